import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningPlatform, startPlatform } from '../../lambdas/local/platform.ts';
import type { RunEvent } from '../../runner/events.ts';
import { HOSTILE_NAME } from '../generated/specs.ts';
import { ROOT } from '../generated/workspace.ts';
import { checkStreamEvent, contractClient, follow, type Json } from './contract-client.ts';

// Test runs on the embedded platform: a generated TypeScript agent with tools is built by the runner
// (a child process, as the Fargate task would run it), run against the offline model over the
// WebSocket API, and found in history; a runaway agent is stopped at its time limit.
const CACHE = join(ROOT, '.cache', 'runner');
let platform: RunningPlatform;

const call = contractClient(() => platform.url);

/** A call whose answer is checked against its route's contract. */
async function api(method: string, path: string, body?: unknown) {
  const { status, type, body: answer } = await call(method, path, { body });
  return { status, type, body: answer };
}

/** Opens the stream, sends one message, and collects everything until the run's result (or an error). */
async function stream(message: unknown): Promise<Json[]> {
  const ws = new WebSocket(`${platform.url.replace('http', 'ws')}/ws/testing/stream`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const received: Json[] = [];
  const done = new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      const event = checkStreamEvent(JSON.parse(data.toString()));
      received.push(event);
      if (event.type === 'result' || event.type === 'error' || event.type === 'run_failed') resolve();
    });
  });
  ws.send(JSON.stringify(message));
  await done;
  ws.close();
  return received;
}

let generationId = '';
let buildId = '';

beforeAll(async () => {
  platform = await startPlatform({ port: 0, testModel: 'offline', runnerCacheDir: CACHE });
  const generated = await api('POST', '/api/code-generation/generate', {
    spec: {
      name: HOSTILE_NAME,
      description: 'Does sums and tells the time',
      language: 'typescript',
      model: 'anthropic.claude-haiku-4-5-20251001-v1:0',
      systemPrompt: 'You answer with "quotes", ${braces}, `backticks` and ünïcode.',
      tools: ['calculator', 'current_time'],
      deployment: { target: 'agentcore', region: 'us-east-1', architecture: 'arm64', memoryMb: 1024 },
    },
  });
  expect(generated.status).toBe(201);
  generationId = generated.body.id;
}, 120_000);
afterAll(async () => platform?.close());

describe('test runs on the embedded platform', () => {
  it('builds the generated project (install cached, tsc): 202 at once, its progress readable, then READY', async () => {
    const build = await api('POST', '/api/testing/build', { generationId });
    expect(build.status, JSON.stringify(build.body)).toBe(202);
    expect(build.body).toMatchObject({ status: 'BUILDING', generationId, language: 'typescript' });
    expect(build.body.modelId).toContain('claude-haiku-4-5');
    buildId = build.body.id;
    const done = await follow(call, `/api/testing/builds/${buildId}`, { everyMs: 200 });
    expect(done.body).toMatchObject({ status: 'READY', generationId, language: 'typescript' });
    expect(done.body.progress).toBeUndefined();
    // On the way it said where it was: a phase the runner reported, with the time since it started.
    const phases = done.seen.flatMap((b) => (b.progress ? [b.progress.phase] : []));
    expect(phases.some((p) => ['fetching', 'installing', 'building'].includes(p))).toBe(true);
  }, 600_000);

  it('streams a run over the WebSocket: text deltas, a tool call and its result, metrics, all labelled offline', async () => {
    const events = await stream({
      action: 'run',
      buildId,
      input: 'Please use the calculator on "2 + 3 * 4"',
    });
    expect(events[0]).toMatchObject({ type: 'accepted', buildId });
    const runId = events[0]?.runId as string;
    const runEvents = events.slice(1) as RunEvent[];
    expect(runEvents.every((e) => e.runId === runId && e.model.label === 'offline model')).toBe(true);
    const types = runEvents.map((e) => e.type);
    expect(types).toContain('status');
    const call = runEvents.find((e) => e.type === 'tool_call');
    expect(call).toMatchObject({ name: 'calculator', input: { expression: '2 + 3 * 4' } });
    const result = runEvents.find((e) => e.type === 'tool_result');
    expect(result).toMatchObject({
      status: 'success',
      toolUseId: call?.type === 'tool_call' ? call.toolUseId : '',
    });
    const texts = runEvents.filter((e) => e.type === 'text');
    expect(texts.length).toBeGreaterThan(3);
    expect(texts.map((e) => (e.type === 'text' ? e.text : '')).join('')).toContain('"result":"14"');
    expect(types.indexOf('tool_call')).toBeLessThan(types.indexOf('text'));
    const metrics = runEvents.find((e) => e.type === 'metrics');
    expect(metrics?.type === 'metrics' && metrics.metrics).toMatchObject({
      status: 'succeeded',
      toolCalls: 1,
    });
    const final = runEvents.at(-1);
    expect(final?.type).toBe('result');
    if (final?.type !== 'result') return;
    expect(final.result).toMatchObject({
      status: 'succeeded',
      model: { kind: 'offline', label: 'offline model' },
    });
    expect(final.result.metrics.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(final.result.metrics.inputTokens).toBeGreaterThan(0);
    expect(final.result.metrics.outputTokens).toBeGreaterThan(0);
    expect(final.result.runtimeSessionId?.length).toBeGreaterThanOrEqual(33);

    // The run is in history, with its input, full output and metrics, and can be run again.
    const history = await api('GET', `/api/testing/history?generationId=${generationId}`);
    expect(history.status).toBe(200);
    const entry = history.body.runs.find((r: Json) => r.id === runId);
    expect(entry).toMatchObject({
      status: 'succeeded',
      input: 'Please use the calculator on "2 + 3 * 4"',
      output: final.result.output,
      metrics: { toolCalls: 1 },
      model: { label: 'offline model' },
    });
    const again = await api('POST', `/api/testing/runs/${runId}/rerun?wait=25`);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ status: 'succeeded', input: entry.input, buildId });
    expect(again.body.id).not.toBe(runId);
  }, 120_000);

  it('answers a run over HTTP with the whole result within ?wait=, and at once with 202 without it', async () => {
    const started = await api('POST', '/api/testing/run', { buildId, input: 'What is 1 + 1?' });
    expect(started.status).toBe(202);
    expect(started.body.status).toBe('RUNNING');
    expect((await follow(call, `/api/testing/runs/${started.body.id}`)).body.status).toBe('succeeded');
    expect((await api('POST', '/api/testing/run?wait=26', { buildId, input: 'hi' })).status).toBe(400);
    const run = await api('POST', '/api/testing/run?wait=25', {
      buildId,
      input: 'What is the current_time in "UTC"?',
    });
    expect(run.status).toBe(201);
    expect(run.body).toMatchObject({
      status: 'succeeded',
      toolCalls: [{ name: 'current_time', status: 'success' }],
    });
    expect(run.body.output).toContain('offline model');
    expect((await api('GET', `/api/testing/runs/${run.body.id}`)).body.output).toBe(run.body.output);
  }, 120_000);

  it('stops a runaway agent at its time limit, with a clear status, and leaves no process behind', async () => {
    const events = await stream({
      action: 'run',
      buildId,
      input: '[[offline:loop]] keep using the calculator on "1 + 1"',
      limits: { timeoutMs: 4_000 },
    });
    const final = events.at(-1) as RunEvent;
    expect(final.type).toBe('result');
    if (final.type !== 'result') return;
    // Stopped for its wall-time limit, which it names. How far the agent got in 4 s (how many tool calls,
    // or whether it was even healthy yet) depends on this machine's load, so no count is asserted; the
    // limit's clock starts once the agent is being started, never during install or build.
    expect(events).toContainEqual(expect.objectContaining({ type: 'status', phase: 'starting' }));
    expect(final.result.status).toBe('timeout');
    expect(final.result.reason).toBe('the agent did not finish within 4 s and was stopped');
    // Not before its limit; no upper bound, since a loaded machine stops it late but still stops it.
    expect(final.result.metrics.totalLatencyMs).toBeGreaterThanOrEqual(4_000);
    expect(final.result.metrics.toolCalls).toBe(events.filter((e) => e.type === 'tool_call').length);
    const stored = await api('GET', `/api/testing/runs/${final.runId}`);
    expect(stored.body).toMatchObject({ status: 'timeout', reason: final.result.reason });
    // No process runs in the build (the agent's working directory) or names it. The result is sent
    // after the harness has waited for the agent's exit, so this holds at once, however slow the machine.
    const { contentKey } = (await api('GET', `/api/testing/builds/${buildId}`)).body;
    expect(contentKey).toMatch(/^gen-[0-9a-f]{24}$/);
    const buildDir = join(CACHE, 'builds', contentKey);
    expect(readdirSync(buildDir)).toContain('.built');
    const left = readdirSync('/proc')
      .filter((pid) => /^\d+$/.test(pid))
      .filter((pid) => {
        try {
          return (
            readlinkSync(`/proc/${pid}/cwd`).startsWith(buildDir) ||
            readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(buildDir)
          );
        } catch {
          return false; // exited meanwhile
        }
      });
    expect(left).toEqual([]);
  }, 120_000);

  it('refuses bad input with typed problems, over HTTP and over the WebSocket', async () => {
    const missing = await api('POST', '/api/testing/run', { input: 'hi' });
    expect(missing.status).toBe(400);
    expect(missing.type).toContain('application/problem+json');
    expect(missing.body.errors).toContainEqual(expect.objectContaining({ path: 'buildId' }));
    const reserved = await api('POST', '/api/testing/run', {
      buildId,
      input: 'hi',
      env: { AWS_SECRET_ACCESS_KEY: 'x' },
    });
    expect(reserved.status).toBe(400);
    expect(reserved.body.errors).toContainEqual(
      expect.objectContaining({
        path: 'env.AWS_SECRET_ACCESS_KEY',
        message: 'this name is reserved for the platform',
      }),
    );
    expect((await api('POST', '/api/testing/run', { buildId: 'nope', input: 'hi' })).status).toBe(404);
    expect((await api('POST', '/api/testing/build', { generationId: 'nope' })).body.type).toBe('not-found');
    expect((await api('GET', '/api/testing/history')).status).toBe(400);

    const [refused] = await stream({ action: 'run', buildId, input: '' });
    expect(refused).toMatchObject({ type: 'error', problem: { type: 'validation-error', status: 400 } });
    const [unknown] = await stream({ action: 'dance' });
    expect(unknown).toMatchObject({ type: 'error', problem: { type: 'validation-error' } });
  }, 60_000);
});
