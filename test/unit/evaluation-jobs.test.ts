import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbRateLimiter } from '../../lambdas/core/adapters/dynamodb-rate-limiter.ts';
import { DynamoDbTable } from '../../lambdas/core/adapters/dynamodb-table.ts';
import { EcsRunner } from '../../lambdas/core/adapters/ecs-runner.ts';
import { PlatformConfig } from '../../lambdas/core/config.ts';
import { RateLimitedError } from '../../lambdas/core/errors.ts';
import { featureHandler } from '../../lambdas/core/http.ts';
import { DynamoDbEvaluationRepository } from '../../lambdas/evaluations/dynamodb-evaluation-repository.ts';
import { failEvaluation } from '../../lambdas/evaluations/execute.ts';
import { evaluationHandlers } from '../../lambdas/evaluations/handler.ts';
import { evaluationRoutes } from '../../lambdas/evaluations/routes.ts';
import { type EvaluationDeps, getEvaluation, startEvaluation } from '../../lambdas/evaluations/service.ts';
import { zipProject } from '../../lambdas/generate/zip.ts';
import { type Emulators, startEmulators } from '../../lambdas/local/emulators.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import type { Session } from '../../lambdas/sessions/model.ts';
import { DynamoDbRunnerSlots } from '../../lambdas/testing/dynamodb-runner-slots.ts';
import { runSessionPolicy } from '../../lambdas/testing/run-credentials.ts';
import { createRun, recordRunnerFailure, recordStoppedTask } from '../../lambdas/testing/service.ts';
import { RunJob } from '../../runner/events.ts';
import { runJob } from '../../runner/harness.ts';
import { offlineBackend } from '../../runner/offline-model.ts';
import type { RunnerTask } from '../../runner/task.ts';
import { MemorySessions, MemoryTestStore } from '../fakes.ts';

// Evaluations on the deployed platform: each is a runner task of its own (an `evaluate` job) started
// through the Fargate backend (an ECS client stand-in here), holding a runner slot, its turns counted
// against the builder's hourly test budget; a task that stops without finishing fails it. The records,
// slots and budget are the real DynamoDB adapters on dynalite.
let emulators: Emulators;
let client: DynamoDBClient;
let table: DynamoDbTable;

beforeAll(async () => {
  emulators = await startEmulators({ table: 'evaljobs', bucket: 'evaljobs', region: 'us-east-1' });
  client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: emulators.dynamodbEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  table = new DynamoDbTable(client, 'evaljobs');
});
afterAll(async () => {
  client?.destroy();
  await emulators?.close();
});

const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';
/** Three conversation turns: one for `adds`, two for `chat`. */
const SUITE = `
name: main
cases:
  - id: adds
    input: use calculator on "2 + 3"
    assertions: [{ type: tool-called, name: calculator }]
  - id: chat
    conversation: [hello, and again]
    assertions: [{ type: judge, rubric: Greets back }]
`;

/** An ECS client stand-in: answers each command by name (the last answer repeats) and records the inputs. */
function ecs(answers: Record<string, unknown[]>) {
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  return {
    sent,
    client: {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        const name = command.constructor.name;
        sent.push({ name, input: command.input });
        const queue = answers[name] ?? [];
        return (queue.length > 1 ? queue.shift() : queue[0]) ?? {};
      },
    } as never,
  };
}

let n = 0;
/** A builder (their own budget and slots), a READY build of a generation with the suite, on Fargate. */
function setup(
  answers: Record<string, unknown[]>,
  options: { limitPerHour?: number; perUser?: number } = {},
) {
  const owner = `builder-${++n}`;
  const store = new MemoryTestStore();
  const sessions = new MemorySessions();
  const evaluations = new DynamoDbEvaluationRepository(table);
  const slots = new DynamoDbRunnerSlots(table, { perUser: options.perUser ?? 5, total: 100 });
  const evaluationStopped = (id: string, reason: string) =>
    failEvaluation({ evaluations, store, slots }, id, reason);
  const fargate = ecs(answers);
  const failureDeps = { tests: store, connections: { post: async () => true }, slots, evaluationStopped };
  const backend = new EcsRunner(
    fargate.client,
    {
      cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/runners',
      taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/runner:3',
      containerName: 'runner',
      subnets: ['subnet-a'],
      securityGroups: ['sg-1'],
      pollIntervalMs: 2,
    },
    (task, reason) => recordRunnerFailure(failureDeps, task, reason),
  );
  const deps: EvaluationDeps = {
    tests: store,
    generations: store,
    store,
    backend,
    connections: failureDeps.connections,
    limiter: new DynamoDbRateLimiter(table),
    limitPerHour: options.limitPerHour ?? 100,
    waitMs: 200,
    slots,
    evaluationStopped,
    evaluations,
    sessions,
    models: loadModelRegistry(),
    // What the testing Lambda is given in AWS: its evaluations run in runner tasks.
    inRunnerTask: true,
    judgeFor: () => {
      throw new Error('an evaluation in a runner task is judged in the task, not by the Lambda');
    },
  };
  const files = {
    'evals/main.yaml': SUITE,
    'evals/model-price.json': JSON.stringify({ modelId: MODEL }),
  };
  store.generationRecords.set('gen-1', {
    id: 'gen-1',
    owner,
    sessionId: 'session-1',
    status: 'SUCCEEDED',
    name: 'agent',
    artifactPrefix: 'generations/gen-1',
    files: Object.keys(files),
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  void store.put('generations/gen-1/project.zip', zipProject('agent', files));
  void sessions.create({ id: 'session-1', owner } as Session);
  store.builds.set('build-1', {
    id: 'build-1',
    owner,
    generationId: 'gen-1',
    sessionId: 'session-1',
    modelId: `us.${MODEL}`,
    contentKey: 'gen-abc',
    status: 'READY',
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  const task = async (id: string) =>
    JSON.parse(Buffer.from((await store.get(`tests/${id}/task.json`)) ?? '').toString('utf8')) as RunnerTask;
  const uses = async () =>
    ((await table.get({ PK: `RATE#${owner}#test`, SK: 'WINDOW' }, { consistent: true }))?.uses as
      | number[]
      | undefined) ?? [];
  return { owner, deps, store, evaluations, sent: fargate.sent, task, uses };
}

const running = { tasks: [{ lastStatus: 'RUNNING' }] };
/** A task that ended well (its runner recorded what it did); the stand-in's evaluation stays as it was. */
const ended = { tasks: [{ lastStatus: 'STOPPED', containers: [{ exitCode: 0 }] }] };

describe('evaluations in AWS (runner tasks)', () => {
  it('starts one `evaluate` runner task on Fargate and answers RUNNING; the task holds a slot and its turns are counted', async () => {
    const { owner, deps, sent, task, uses } = setup(
      { RunTaskCommand: [{ tasks: [{ taskArn: 'arn:task/e1' }] }], DescribeTasksCommand: [running, ended] },
      { perUser: 1 },
    );
    const { run, finished } = await startEvaluation(deps, owner, { buildId: 'build-1' });
    expect(finished).toBe(false);
    expect(run).toMatchObject({ status: 'RUNNING', progress: { done: 0, total: 2 }, suite: 'main' });
    // One Fargate task, named after the evaluation, told where its task is.
    const runTask = sent.filter((s) => s.name === 'RunTaskCommand');
    expect(runTask).toHaveLength(1);
    expect(runTask[0]?.input).toMatchObject({
      launchType: 'FARGATE',
      startedBy: run.id,
      overrides: {
        containerOverrides: [
          { name: 'runner', environment: [{ name: 'RUN_TASK_KEY', value: `tests/${run.id}/task.json` }] },
        ],
      },
    });
    // The job: build (or reuse the content-addressed build) and evaluate; judged by the agent's model.
    expect(await task(run.id)).toMatchObject({
      job: {
        mode: 'evaluate',
        runId: run.id,
        buildKey: 'gen-abc',
        project: { artifactKey: 'generations/gen-1/project.zip' },
      },
      record: { kind: 'evaluation', id: run.id },
      owner,
      sessionId: 'session-1',
      evaluation: { modelId: `us.${MODEL}`, judgeModelId: MODEL },
    });
    // Its three conversation turns counted at once against the hourly test budget.
    expect(await uses()).toHaveLength(3);
    // It holds the builder's one runner slot: a test run waits for it (429 like any busy slot).
    const busy = await createRun(deps, owner, { buildId: 'build-1', input: 'hi' }).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(RateLimitedError);
    // A task that records its end gives the slot back (failEvaluation is what a stop records).
    await failEvaluation(
      { evaluations: deps.evaluations, store: deps.store, slots: deps.slots },
      run.id,
      'x',
    );
    expect((await getEvaluation(deps, owner, run.id)).status).toBe('FAILED');
  });

  it('fails the evaluation with the reason when its Fargate task stops badly, and frees its slot', async () => {
    const { owner, deps } = setup(
      {
        RunTaskCommand: [{ tasks: [{ taskArn: 'arn:task/e2' }] }],
        DescribeTasksCommand: [
          running,
          {
            tasks: [
              {
                lastStatus: 'STOPPED',
                stopCode: 'EssentialContainerExited',
                containers: [
                  { exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
                ],
              },
            ],
          },
          running,
          ended,
        ],
      },
      { perUser: 1 },
    );
    const started = await startEvaluation(deps, owner, { buildId: 'build-1' });
    await started.done;
    const run = await getEvaluation(deps, owner, started.run.id);
    expect(run.status).toBe('FAILED');
    expect(run.reason).toMatch(
      /^the evaluation stopped: the Fargate runner task stopped: EssentialContainerExited; OutOfMemoryError.*exit code 137$/,
    );
    // The slot is free again: the next evaluation starts.
    const next = await startEvaluation(deps, owner, { buildId: 'build-1' });
    expect(next.run.status).toBe('RUNNING');
  });

  it('fails a RUNNING evaluation from the task-stopped event (read from its stored task), keeping its results so far', async () => {
    const { owner, deps, evaluations } = setup({
      RunTaskCommand: [{ tasks: [{ taskArn: 'arn:task/e3' }] }],
      DescribeTasksCommand: [running, ended],
    });
    const { run } = await startEvaluation(deps, owner, { buildId: 'build-1' });
    const record = await evaluations.getRun(run.id);
    await evaluations.putRun({ ...(record as NonNullable<typeof record>), progress: { done: 1, total: 2 } });
    await recordStoppedTask(deps, run.id, 'the Fargate runner task stopped: TaskFailedToStart');
    expect(await getEvaluation(deps, owner, run.id)).toMatchObject({
      status: 'FAILED',
      reason: 'the evaluation stopped: the Fargate runner task stopped: TaskFailedToStart',
      progress: { done: 1, total: 2 },
      finishedAt: expect.any(String),
    });
    // A later report of the same stop changes nothing.
    await recordStoppedTask(deps, run.id, 'again');
    expect((await getEvaluation(deps, owner, run.id)).reason).toMatch(/TaskFailedToStart/);
  });

  it('refuses an evaluation whose turns do not fit in the hourly test budget with the same 429, starting nothing', async () => {
    const { owner, deps, sent, uses } = setup(
      { RunTaskCommand: [{ tasks: [{ taskArn: 'arn:task/e4' }] }], DescribeTasksCommand: [running, ended] },
      { limitPerHour: 5 },
    );
    await startEvaluation(deps, owner, { buildId: 'build-1' });
    expect(await uses()).toHaveLength(3);
    // Three more turns do not fit in the two uses left: refused as a test run past the budget is.
    const refused = await startEvaluation(deps, owner, { buildId: 'build-1' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect(refused).toMatchObject({
      type: 'rate-limited',
      statusCode: 429,
      message: expect.stringMatching(/^you can test at most 5 times an hour; try again in \d+ minutes$/),
      retryAfterSeconds: expect.any(Number),
    });
    expect(sent.filter((s) => s.name === 'RunTaskCommand')).toHaveLength(1);
    expect(await uses()).toHaveLength(3);
    // The two uses left are a test run's, which counts the same budget.
    await createRun(deps, owner, { buildId: 'build-1', input: 'one' });
    await createRun(deps, owner, { buildId: 'build-1', input: 'two' });
    const third = await createRun(deps, owner, { buildId: 'build-1', input: 'three' }).catch((e) => e);
    expect(third).toMatchObject({ type: 'rate-limited', statusCode: 429 });
    // A suite larger than the whole budget is refused saying so.
    const { owner: small, deps: smallDeps } = setup({}, { limitPerHour: 2 });
    await expect(startEvaluation(smallDeps, small, { buildId: 'build-1' })).rejects.toMatchObject({
      type: 'rate-limited',
      message: expect.stringMatching(/needs 3 test uses at once.*at most 2 times an hour/),
    });
  });

  it('answers POST /api/evaluations/runs over the budget with the rate-limited problem and Retry-After, as test runs are', async () => {
    const { owner, deps, sent } = setup(
      { RunTaskCommand: [{ tasks: [{ taskArn: 'arn:task/e5' }] }], DescribeTasksCommand: [running, ended] },
      { limitPerHour: 6 },
    );
    const http = featureHandler(
      evaluationRoutes,
      evaluationHandlers,
      () => deps,
      () => PlatformConfig.parse({}),
    );
    const post = () =>
      http(
        {
          version: '2.0',
          routeKey: 'POST /api/evaluations/runs',
          rawPath: '/api/evaluations/runs',
          rawQueryString: '',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ buildId: 'build-1' }),
          isBase64Encoded: false,
          requestContext: { requestId: 'trace-1', authorizer: { jwt: { claims: { sub: owner } } } },
        } as unknown as APIGatewayProxyEventV2,
        { awsRequestId: 'r', functionName: 't', getRemainingTimeInMillis: () => 1000 } as unknown as Context,
      );
    // The request counts one use and its three turns: four of six.
    const first = await post();
    expect(first.statusCode).toBe(202);
    expect(JSON.parse(first.body ?? '')).toMatchObject({ status: 'RUNNING' });
    const refused = await post();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers?.['content-type']).toContain('application/problem+json');
    expect(Number(refused.headers?.['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(refused.body ?? '')).toMatchObject({
      type: 'rate-limited',
      status: 429,
      title: 'Too many requests',
      detail: expect.stringMatching(/^you can test at most 6 times an hour/),
    });
    expect(sent.filter((s) => s.name === 'RunTaskCommand')).toHaveLength(1);
  });

  it("scopes an evaluation task's credentials to its own records, the run it is compared with, and its objects", () => {
    const policy = runSessionPolicy(
      {
        job: { mode: 'evaluate', runId: 'ev-1', project: { artifactKey: 'generations/g/project.zip' } },
        record: { kind: 'evaluation', id: 'ev-1' },
        owner: 'ana',
        evaluation: {
          previousId: 'ev-0',
          modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
          judgeModelId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
        },
      },
      { tableArn: 'arn:table', bucketArn: 'arn:bucket', owner: 'ana', sessionId: 's-1' },
    ) as { Statement: { Sid: string; Resource: unknown; Condition?: unknown }[] };
    const sid = (id: string) => policy.Statement.find((s) => s.Sid === id);
    expect(sid('OwnItems')?.Condition).toEqual({
      'ForAllValues:StringEquals': {
        'dynamodb:LeadingKeys': ['EVALRUN#ev-1', 'EVALRUN#ev-0', 'SESSION#s-1', 'SLOTS#ana', 'SLOTS#ALL'],
      },
    });
    expect(sid('WriteOwnObjects')?.Resource).toEqual(['arn:bucket/tests/ev-1/*']);
    expect(sid('ReadOwnObjects')?.Resource).toEqual([
      'arn:bucket/tests/ev-1/*',
      'arn:bucket/tests/ev-0/*',
      'arn:bucket/tests/evaluations/ev-0/*',
      'arn:bucket/generations/g/project.zip',
    ]);
    // Its agent's model and its judge (here the same model), and no other.
    expect(sid('CallTheModel')?.Resource).toEqual([
      'arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
      'arn:aws:bedrock:*:*:inference-profile/*.anthropic.claude-haiku-4-5-20251001-v1:0',
    ]);
  });

  it('leaves an evaluate job to the runner program: the harness alone refuses it, saying so', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'eval-harness-'));
    const result = await runJob(
      RunJob.parse({ mode: 'evaluate', runId: 'ev-h', project: { zipPath: 'project.zip' } }),
      {
        cacheDir,
        backend: offlineBackend(),
        toolEnv: {},
        fetchProject: async () => {
          throw new Error('not fetched');
        },
        emit: () => undefined,
      },
      new AbortController().signal,
    );
    rmSync(cacheDir, { recursive: true, force: true });
    expect(result).toMatchObject({
      mode: 'evaluate',
      status: 'failed',
      reason: 'an evaluate job is run by the runner program (runner/main.ts), not by the harness',
    });
  });
});
