import { createServer, type Server } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  type Message,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EcsRunner, stoppedTaskFailure } from '../../lambdas/core/adapters/ecs-runner.ts';
import { regionalModelId } from '../../lambdas/core/aws-region.ts';
import type { RunnerBackend } from '../../lambdas/core/ports.ts';
import { parseOrThrow } from '../../lambdas/core/zod-problems.ts';
import { RunBody } from '../../lambdas/testing/model.ts';
import {
  cancelRun,
  createRun,
  getBuild,
  getRun,
  INLINE_DETAILS_BYTES,
  INLINE_OUTPUT_BYTES,
  recordResult,
  recordRunnerFailure,
  recordStoppedTask,
  runTest,
  startBuild,
  type TestDeps,
  testHistory,
} from '../../lambdas/testing/service.ts';
import {
  bedrockBackend,
  chooseBackend,
  openAiCompatibleBackend,
  toChatCompletion,
} from '../../runner/backends.ts';
import type { RunResult } from '../../runner/events.ts';
import { aggregate, type RunningGateway, startModelGateway } from '../../runner/model-gateway.ts';
import { offlineBackend } from '../../runner/offline-model.ts';
import type { RunnerTask } from '../../runner/task.ts';
import { MemoryTestStore } from '../fakes.ts';

const calculator = {
  toolSpec: {
    name: 'calculator',
    description: 'Evaluate an expression',
    inputSchema: {
      json: { type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'] },
    },
  },
};

/** A runner that records what it was asked and reports whatever the test scripts. */
class ScriptedRunner implements RunnerBackend {
  readonly started: RunnerTask[] = [];
  readonly cancelled: string[] = [];
  constructor(private readonly report: (task: RunnerTask) => Promise<void>) {}
  async start(task: RunnerTask) {
    this.started.push(task);
    return { done: this.report(task) };
  }
  async cancel(id: string) {
    this.cancelled.push(id);
  }
}

function result(overrides: Partial<RunResult> = {}): RunResult {
  return {
    runId: 'r',
    mode: 'run',
    status: 'succeeded',
    language: 'typescript',
    input: 'hi',
    output: 'hello',
    toolCalls: [],
    logs: ['[agent] listening'],
    metrics: {
      totalLatencyMs: 10,
      timeToFirstTokenMs: 2,
      installMs: 0,
      buildMs: 0,
      inputTokens: 5,
      outputTokens: 1,
      toolCalls: 0,
      exitCode: null,
      status: 'succeeded',
    },
    model: { kind: 'offline', label: 'offline model' },
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    ...overrides,
  };
}

function setup(report: (task: RunnerTask, store: MemoryTestStore) => Promise<void>, waitMs = 1_000) {
  const store = new MemoryTestStore();
  const runner = new ScriptedRunner((task) => report(task, store));
  const deps: TestDeps = {
    tests: store,
    generations: store,
    store,
    backend: runner,
    connections: { post: async () => true },
    limiter: store,
    limitPerHour: 100,
    waitMs,
  };
  store.generationRecords.set('gen-1', {
    id: 'gen-1',
    owner: 'alice',
    sessionId: 'session-1',
    status: 'SUCCEEDED',
    name: 'agent',
    language: 'typescript',
    artifactPrefix: 'generations/gen-1',
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  return { store, runner, deps };
}

const succeed = async (task: RunnerTask, store: MemoryTestStore) =>
  recordResult({ tests: store, store }, task.record, result({ mode: task.job.mode }));

/** How long these tests let a request wait for the scripted runner. */
const WAIT = { waitMs: 1_000 };

describe('test runs (domain)', () => {
  it('answers at once with the build BUILDING when the request does not wait, and the runner goes on', async () => {
    let report: () => void = () => undefined;
    const { deps, store } = setup(
      (task, s) =>
        new Promise<void>((resolve) => {
          report = () => void succeed(task, s).then(resolve);
        }),
    );
    const { build, finished } = await startBuild(deps, 'alice', { generationId: 'gen-1' });
    expect(finished).toBe(false);
    expect(build.status).toBe('BUILDING');
    await store.putProgress('build', build.id, {
      phase: 'installing',
      message: 'installing typescript dependencies',
      elapsedMs: 1_200,
      packagesFetched: 12,
      logTail: ['[install] npm http fetch GET 200 https://registry.npmjs.org/zod 80ms'],
      updatedAt: '2026-01-01T00:00:01.000Z',
    });
    expect((await getBuild(deps, 'alice', build.id)).progress).toMatchObject({
      phase: 'installing',
      packagesFetched: 12,
    });
    report();
    await vi.waitFor(async () => expect((await getBuild(deps, 'alice', build.id)).status).toBe('READY'));
    expect((await getBuild(deps, 'alice', build.id)).progress).toBeUndefined();
  });

  it('builds a generation with the runner and answers READY, the project zip named by its artifact prefix', async () => {
    const { deps, runner } = setup(succeed);
    const { build, finished } = await startBuild(deps, 'alice', { generationId: 'gen-1' }, WAIT);
    expect(finished).toBe(true);
    expect(build).toMatchObject({ status: 'READY', generationId: 'gen-1', sessionId: 'session-1' });
    expect(runner.started[0]?.job).toMatchObject({
      mode: 'build',
      buildKey: build.contentKey,
      project: { artifactKey: 'generations/gen-1/project.zip' },
    });
    // Content-addressed: a build of the same generation gets the same key, so its runner reuses it.
    const again = await startBuild(deps, 'alice', { generationId: 'gen-1' }, WAIT);
    expect(again.build.id).not.toBe(build.id);
    expect(again.build.contentKey).toBe(build.contentKey);
    expect(build.contentKey).toMatch(/^gen-[0-9a-f]{24}$/);
  });

  it("keeps the compiler's message of a failed build, and refuses to run it (409)", async () => {
    const { deps } = setup((task, store) =>
      recordResult(
        { tests: store, store },
        task.record,
        result({ mode: 'build', status: 'build_failed', reason: 'src/a.ts(1,1): error TS2322' }),
      ),
    );
    const { build } = await startBuild(deps, 'alice', { generationId: 'gen-1' }, WAIT);
    expect(build).toMatchObject({ status: 'FAILED', reason: 'src/a.ts(1,1): error TS2322' });
    await expect(createRun(deps, 'alice', { buildId: build.id, input: 'hi' })).rejects.toMatchObject({
      type: 'conflict',
      message: expect.stringContaining('error TS2322'),
    });
  });

  it("treats another user's generation, build and run as missing", async () => {
    const { deps } = setup(succeed);
    await expect(startBuild(deps, 'bob', { generationId: 'gen-1' }, WAIT)).rejects.toMatchObject({
      type: 'not-found',
    });
    const { build } = await startBuild(deps, 'alice', { generationId: 'gen-1' }, WAIT);
    await expect(runTest(deps, 'bob', { buildId: build.id, input: 'hi' }, WAIT)).rejects.toMatchObject({
      type: 'not-found',
    });
    const { run } = await runTest(deps, 'alice', { buildId: build.id, input: 'hi' }, WAIT);
    await expect(getRun(deps, 'bob', run.id)).rejects.toMatchObject({ type: 'not-found' });
    expect((await testHistory(deps, 'bob', { sessionId: 'session-1', limit: 25 })).runs).toEqual([]);
  });

  it('keeps a large output in S3 and reads it back into the run and its history', async () => {
    const big = 'x'.repeat(INLINE_OUTPUT_BYTES + 10);
    const { deps, store } = setup((task, s) =>
      recordResult(
        { tests: s, store: s },
        task.record,
        result({ mode: task.job.mode, output: task.job.mode === 'run' ? big : '' }),
      ),
    );
    const { build } = await startBuild(deps, 'alice', { generationId: 'gen-1' }, WAIT);
    const { run } = await runTest(deps, 'alice', { buildId: build.id, input: 'hi' }, WAIT);
    expect(store.runs.get(run.id)?.output).toBeUndefined();
    expect(store.runs.get(run.id)?.outputKey).toBe(`tests/${run.id}/output.txt`);
    expect(run.output).toBe(big);
    expect((await testHistory(deps, 'alice', { sessionId: 'session-1', limit: 25 })).runs[0]?.output).toBe(
      big,
    );
  });

  it('keeps tool calls and logs that would not fit in the item in S3, and reads them back', async () => {
    const calls = Array.from({ length: 40 }, (_, i) => ({
      toolUseId: `t${i}`,
      name: 'http_request',
      input: { url: `https://api.example.com/${i}`, body: 'y'.repeat(5_000) },
      status: 'success',
    }));
    const { deps, store } = setup((task, s) =>
      recordResult(
        { tests: s, store: s },
        task.record,
        result({ mode: task.job.mode, ...(task.job.mode === 'run' ? { toolCalls: calls } : {}) }),
      ),
    );
    const { build } = await startBuild(deps, 'alice', { generationId: 'gen-1' }, WAIT);
    const { run } = await runTest(deps, 'alice', { buildId: build.id, input: 'hi' }, WAIT);
    const stored = store.runs.get(run.id);
    expect(stored?.toolCalls).toBeUndefined();
    expect(stored?.detailsKey).toBe(`tests/${run.id}/details.json`);
    expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThan(INLINE_DETAILS_BYTES);
    expect((await getRun(deps, 'alice', run.id)).toolCalls).toHaveLength(40);
  });

  it('answers RUNNING when the runner outlasts the wait, and reports a run lost past its deadline', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const { deps } = setup(succeed);
    const { build } = await startBuild(deps, 'alice', { generationId: 'gen-1' }, WAIT);
    const never = setup(() => new Promise<void>(() => undefined), 10);
    never.store.builds.set(build.id, { ...build });
    const slow: TestDeps = { ...never.deps, now: () => now };
    const { run, finished } = await runTest(slow, 'alice', { buildId: build.id, input: 'hi' }, WAIT);
    expect(finished).toBe(false);
    expect(run.status).toBe('RUNNING');
    now = new Date(Date.parse(run.expiresAt) + 1);
    const lost = await getRun(slow, 'alice', run.id);
    expect(lost.status).toBe('failed');
    expect(lost.reason).toContain('presumed lost');
  });

  it('records a runner that died without reporting, and cancels only running runs', async () => {
    const { deps, runner, store } = setup(async () => undefined, 10);
    const { build } = await startBuild(deps, 'alice', { generationId: 'gen-1' }, WAIT);
    store.builds.set(build.id, { ...build, status: 'READY' });
    const { run } = await createRun(deps, 'alice', { buildId: build.id, input: 'hi' });
    await cancelRun(deps, 'alice', run.id);
    expect(runner.cancelled).toEqual([run.id]);
    await recordRunnerFailure(
      deps,
      { record: { kind: 'run', id: run.id } },
      'the Fargate runner task stopped: OutOfMemoryError',
    );
    expect(await getRun(deps, 'alice', run.id)).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('OutOfMemory'),
    });
    await expect(cancelRun(deps, 'alice', run.id)).rejects.toMatchObject({ type: 'conflict' });
  });

  it('fails a run whose Fargate task stopped badly and tells the builder watching it', async () => {
    const { deps, store } = setup(async () => undefined, 10);
    const posted: { connectionId: string; event: unknown }[] = [];
    const watched: TestDeps = {
      ...deps,
      connections: {
        post: async (connectionId, event) => {
          posted.push({ connectionId, event });
          return true;
        },
      },
    };
    const { build } = await startBuild(watched, 'alice', { generationId: 'gen-1' }, WAIT);
    store.builds.set(build.id, { ...build, status: 'READY' });
    const { run } = await createRun(watched, 'alice', { buildId: build.id, input: 'hi' }, 'conn-7');
    await recordStoppedTask(watched, run.id, 'the runner task stopped: OutOfMemoryError');
    expect(await getRun(watched, 'alice', run.id)).toMatchObject({ status: 'failed' });
    expect(posted).toEqual([
      {
        connectionId: 'conn-7',
        event: { type: 'run_failed', runId: run.id, reason: 'the runner task stopped: OutOfMemoryError' },
      },
    ]);
  });

  it('refuses empty input, reserved variables and limits out of bounds, naming each field', () => {
    // The route's body schema (and the stream's message schema built on it) stands before the domain.
    expect(() =>
      parseOrThrow(
        RunBody,
        { buildId: 'b', input: '  ', env: { PATH: '/x', lower: 'y' }, limits: { timeoutMs: 5 } },
        'the test run request',
      ),
    ).toThrowError(
      expect.objectContaining({
        type: 'validation-error',
        errors: expect.arrayContaining([
          expect.objectContaining({ path: 'input' }),
          expect.objectContaining({ path: 'env.PATH' }),
          expect.objectContaining({ path: 'env.lower' }),
          expect.objectContaining({ path: 'limits.timeoutMs' }),
        ]),
      }),
    );
  });

  it('explains why a Fargate task stopped, and stays quiet for a clean exit', () => {
    expect(stoppedTaskFailure({ containers: [{ exitCode: 0 }] })).toBeUndefined();
    expect(
      stoppedTaskFailure({
        stopCode: 'TaskFailedToStart',
        stoppedReason: 'CannotPullContainerError: pull access denied',
        containers: [{}],
      }),
    ).toBe(
      'the Fargate runner task stopped: TaskFailedToStart; CannotPullContainerError: pull access denied',
    );
    expect(
      stoppedTaskFailure({ containers: [{ exitCode: 137, reason: 'OutOfMemoryError: Container killed' }] }),
    ).toContain('exit code 137');
  });
});

describe('model gateway backends', () => {
  let offline: RunningGateway;
  let forwarding: RunningGateway;
  let fakeOpenAi: Server;
  let openAi: RunningGateway;
  const chatRequests: Record<string, unknown>[] = [];

  beforeAll(async () => {
    offline = await startModelGateway(offlineBackend());
    // Bedrock with an endpoint override: the real BedrockRuntimeClient path, answered by the offline model.
    forwarding = await startModelGateway(
      bedrockBackend({
        region: 'us-east-1',
        endpoint: offline.url,
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      }),
    );
    // A stand-in OpenAI-compatible server (as Ollama serves /v1/chat/completions): one tool call, then text.
    fakeOpenAi = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { messages: { role: string }[] };
      chatRequests.push(body);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
      if (body.messages.at(-1)?.role === 'tool') {
        send({ choices: [{ delta: { content: 'It is ' } }] });
        send({ choices: [{ delta: { content: '14.' }, finish_reason: 'stop' }] });
      } else {
        send({
          choices: [
            {
              delta: {
                tool_calls: [
                  { index: 0, id: 'call_1', function: { name: 'calculator', arguments: '{"expr' } },
                ],
              },
            },
          ],
        });
        send({
          choices: [
            {
              delta: { tool_calls: [{ index: 0, function: { arguments: 'ession":"2+3*4"}' } }] },
              finish_reason: 'tool_calls',
            },
          ],
        });
      }
      send({ choices: [], usage: { prompt_tokens: 21, completion_tokens: 7 } });
      res.end('data: [DONE]\n\n');
    });
    await new Promise<void>((resolve) => fakeOpenAi.listen(0, '127.0.0.1', resolve));
    const port = (fakeOpenAi.address() as AddressInfo).port;
    openAi = await startModelGateway(
      openAiCompatibleBackend({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'llama3.1' }),
    );
  });
  afterAll(async () => {
    await Promise.all([offline.close(), forwarding.close(), openAi.close()]);
    fakeOpenAi.close();
  });

  const client = (url: string) =>
    new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: url,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });

  it('forwards Converse streams to Bedrock through the AWS SDK and counts the tokens', async () => {
    const response = await client(forwarding.url).send(
      new ConverseStreamCommand({
        modelId: 'us.amazon.nova-micro-v1:0',
        messages: [{ role: 'user', content: [{ text: 'Hello' }] }],
      }),
    );
    let text = '';
    for await (const event of response.stream ?? []) text += event.contentBlockDelta?.delta?.text ?? '';
    expect(text).toContain('standing in for us.amazon.nova-micro-v1:0');
    expect(forwarding.info).toEqual({ kind: 'bedrock', label: 'Amazon Bedrock' });
    expect(forwarding.usage.calls).toBe(1);
    expect(forwarding.usage.inputTokens).toBeGreaterThan(0);
  });

  it('passes Bedrock errors back as Bedrock errors', async () => {
    // A Bedrock endpoint (HTTP/2, as the SDK's Bedrock client speaks) that throttles, as Bedrock does when a quota is used up.
    const throttling = createHttp2Server((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'ThrottlingException' });
      res.end(JSON.stringify({ message: 'Too many tokens, please wait before trying again.' }));
    });
    await new Promise<void>((resolve) => throttling.listen(0, '127.0.0.1', resolve));
    const gateway = await startModelGateway(
      bedrockBackend({
        region: 'us-east-1',
        endpoint: `http://127.0.0.1:${(throttling.address() as AddressInfo).port}`,
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      }),
    );
    try {
      await expect(
        new BedrockRuntimeClient({
          region: 'us-east-1',
          endpoint: gateway.url,
          credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
          maxAttempts: 1,
        }).send(
          new ConverseCommand({ modelId: 'm', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
        ),
      ).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
    } finally {
      await gateway.close();
      throttling.close();
    }
  });

  it('translates a tool-using conversation to OpenAI chat completions and back', async () => {
    const messages: Message[] = [{ role: 'user', content: [{ text: 'What is 2+3*4?' }] }];
    const first = await client(openAi.url).send(
      new ConverseCommand({
        modelId: 'ignored',
        messages,
        system: [{ text: 'Be brief.' }],
        toolConfig: { tools: [calculator] },
      }),
    );
    expect(first.stopReason).toBe('tool_use');
    const use = first.output?.message?.content?.[0]?.toolUse;
    expect(use).toEqual({ toolUseId: 'call_1', name: 'calculator', input: { expression: '2+3*4' } });
    messages.push(first.output?.message as Message, {
      role: 'user',
      content: [
        { toolResult: { toolUseId: 'call_1', content: [{ json: { result: 14 } }], status: 'success' } },
      ],
    });
    const second = await client(openAi.url).send(
      new ConverseStreamCommand({ modelId: 'ignored', messages, toolConfig: { tools: [calculator] } }),
    );
    let text = '';
    let usage: { inputTokens?: number } | undefined;
    for await (const event of second.stream ?? []) {
      text += event.contentBlockDelta?.delta?.text ?? '';
      if (event.metadata) usage = event.metadata.usage;
    }
    expect(text).toBe('It is 14.');
    expect(usage?.inputTokens).toBe(21);
    expect(chatRequests[0]).toMatchObject({
      model: 'llama3.1',
      stream: true,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is 2+3*4?' },
      ],
      tools: [{ type: 'function', function: { name: 'calculator' } }],
    });
    expect(chatRequests[1]?.messages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          role: 'assistant',
          tool_calls: [expect.objectContaining({ id: 'call_1' })],
        }),
        { role: 'tool', tool_call_id: 'call_1', content: '{"result":14}' },
      ]),
    );
    expect(openAi.info.label).toContain('llama3.1');
  });

  it('chooses the model as DESIGN.md says, and aggregates streams into Converse answers', () => {
    const base = {
      AWS_REGION: 'us-east-1',
      TEST_MODEL: 'auto' as const,
      HAS_AWS_CREDENTIALS: 'false' as const,
    };
    expect(chooseBackend(base).info.kind).toBe('offline');
    expect(chooseBackend({ ...base, HAS_AWS_CREDENTIALS: 'true' }).info.kind).toBe('bedrock');
    expect(
      chooseBackend({
        ...base,
        OPENAI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:11434/v1',
        OPENAI_COMPATIBLE_MODEL: 'llama3.1',
      }).info.kind,
    ).toBe('openai-compatible');
    expect(() => chooseBackend({ ...base, TEST_MODEL: 'openai-compatible' })).toThrow(
      /OPENAI_COMPATIBLE_BASE_URL/,
    );
    expect(
      toChatCompletion({ messages: [], inferenceConfig: { maxTokens: 5, temperature: 0 } }, 'm'),
    ).toMatchObject({
      max_tokens: 5,
      temperature: 0,
    });
    expect(
      aggregate([
        { type: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text: 'a' } } },
        { type: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text: 'b' } } },
        { type: 'messageStop', payload: { stopReason: 'end_turn' } },
      ]),
    ).toMatchObject({ output: { message: { content: [{ text: 'ab' }] } }, stopReason: 'end_turn' });
  });
});

describe('Fargate runner backend', () => {
  const options = {
    cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/runners',
    taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/runner:3',
    containerName: 'runner',
    subnets: ['subnet-a', 'subnet-b'],
    securityGroups: ['sg-1'],
    pollIntervalMs: 5,
  };
  const task: RunnerTask = {
    job: { mode: 'run', runId: 'run-1', project: { artifactKey: 'k' } },
    record: { kind: 'run', id: 'run-1' },
  };

  /** An ECS client stand-in: answers each command by name and records the inputs. */
  function ecs(answers: Record<string, unknown[]>) {
    const sent: { name: string; input: Record<string, unknown> }[] = [];
    return {
      sent,
      client: {
        send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
          const name = command.constructor.name;
          sent.push({ name, input: command.input });
          return answers[name]?.shift() ?? {};
        },
      } as never,
    };
  }

  it('starts one Fargate task in private subnets, tagged with the record and told where its task is', async () => {
    const { client, sent } = ecs({
      RunTaskCommand: [{ tasks: [{ taskArn: 'arn:task/1' }] }],
      DescribeTasksCommand: [
        { tasks: [{ lastStatus: 'RUNNING' }] },
        { tasks: [{ lastStatus: 'STOPPED', containers: [{ exitCode: 0 }] }] },
      ],
    });
    const failures: string[] = [];
    const runner = new EcsRunner(client, options, async (_t, reason) => {
      failures.push(reason);
    });
    const started = await runner.start(task, 'tests/run-1/task.json');
    expect(started.taskArn).toBe('arn:task/1');
    expect(sent[0]).toEqual({
      name: 'RunTaskCommand',
      input: {
        cluster: options.cluster,
        taskDefinition: options.taskDefinition,
        launchType: 'FARGATE',
        count: 1,
        startedBy: 'run-1',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: ['subnet-a', 'subnet-b'],
            securityGroups: ['sg-1'],
            assignPublicIp: 'DISABLED',
          },
        },
        overrides: {
          containerOverrides: [
            { name: 'runner', environment: [{ name: 'RUN_TASK_KEY', value: 'tests/run-1/task.json' }] },
          ],
        },
      },
    });
    await started.done;
    // It kept polling while the task ran and stopped at the first STOPPED answer.
    expect(sent.filter((s) => s.name === 'DescribeTasksCommand')).toHaveLength(2);
    expect(failures).toEqual([]);
    await runner.cancel('run-1', 'arn:task/1');
    expect(sent.at(-1)).toEqual({
      name: 'StopTaskCommand',
      input: { cluster: options.cluster, task: 'arn:task/1', reason: 'cancelled by the builder' },
    });
  });

  it("hands a task its run's own credentials, never its task role's data access", async () => {
    const { client, sent } = ecs({ RunTaskCommand: [{ tasks: [{ taskArn: 'arn:task/3' }] }] });
    const asked: RunnerTask[] = [];
    const runner = new EcsRunner(
      client,
      {
        ...options,
        credentials: async (t) => {
          asked.push(t);
          return { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' };
        },
      },
      async () => undefined,
    );
    await runner.start(task, 'tests/run-1/task.json');
    expect(asked).toEqual([task]);
    const overrides = sent[0]?.input.overrides as { containerOverrides: { environment: unknown[] }[] };
    expect(overrides.containerOverrides[0]?.environment).toEqual([
      { name: 'RUN_TASK_KEY', value: 'tests/run-1/task.json' },
      { name: 'AWS_ACCESS_KEY_ID', value: 'ASIAEXAMPLE' },
      { name: 'AWS_SECRET_ACCESS_KEY', value: 'secret' },
      { name: 'AWS_SESSION_TOKEN', value: 'token' },
    ]);
  });

  it('reports a task that could not start (502) and one that stopped badly', async () => {
    const refused = new EcsRunner(
      ecs({ RunTaskCommand: [{ tasks: [], failures: [{ reason: 'RESOURCE:ENI' }] }] }).client,
      options,
      async () => undefined,
    );
    await expect(refused.start(task, 'k')).rejects.toMatchObject({
      type: 'upstream-error',
      message: expect.stringContaining('RESOURCE:ENI'),
    });

    const failures: string[] = [];
    const crashed = new EcsRunner(
      ecs({
        RunTaskCommand: [{ tasks: [{ taskArn: 'arn:task/2' }] }],
        DescribeTasksCommand: [
          {
            tasks: [
              {
                lastStatus: 'STOPPED',
                stopCode: 'EssentialContainerExited',
                containers: [{ exitCode: 137, reason: 'OutOfMemoryError' }],
              },
            ],
          },
        ],
      }).client,
      options,
      async (_t, reason) => {
        failures.push(reason);
      },
    );
    await (await crashed.start(task, 'k')).done;
    expect(failures).toEqual([
      'the Fargate runner task stopped: EssentialContainerExited; OutOfMemoryError; exit code 137',
    ]);
  });
});

describe('the model id a test run calls', () => {
  it("is mapped to the stack's Region: a us. profile from an EU stack becomes eu.", () => {
    const id = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
    expect(regionalModelId(id, 'eu-west-1')).toBe('eu.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(regionalModelId(id, 'ap-northeast-1')).toBe('apac.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(regionalModelId(id, 'us-west-2')).toBe(id);
    expect(regionalModelId('global.anthropic.claude-haiku-4-5-20251001-v1:0', 'eu-west-1')).toBe(
      'global.anthropic.claude-haiku-4-5-20251001-v1:0',
    );
    expect(regionalModelId('amazon.nova-lite-v1:0', 'eu-west-1')).toBe('amazon.nova-lite-v1:0');
  });
});
