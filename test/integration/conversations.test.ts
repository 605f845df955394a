import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../../lambdas/local/platform.ts';
import { ROOT } from '../generated/workspace.ts';
import { buildCalculatorAgent, contractClient, follow, type Json } from './contract-client.ts';

// Conversations with warm agents on the embedded platform: a build's agent is started once by a
// runner and kept up between turns with one runtime session id, so it keeps its conversation (the
// offline model repeats the first question of the conversation it is sent); a turn can be cancelled
// without losing the agent; an idle agent is stopped; an ended conversation takes no more turns.
const CACHE = join(ROOT, '.cache', 'runner');
let platform: RunningPlatform;
const call = contractClient(() => platform.url);
let buildId = '';

/** Whether a runner process for this task id is still alive (its RUN_TASK_KEY names it). */
function runnerAlive(id: string): boolean {
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .some((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`RUN_TASK_KEY=tests/${id}/task.json`);
      } catch {
        return false;
      }
    });
}

/** Sends a message and follows its run to its end. */
async function say(conversationId: string, input: string): Promise<Json> {
  const sent = await call('POST', `/api/testing/conversations/${conversationId}/messages`, {
    body: { input },
  });
  expect([201, 202], JSON.stringify(sent.body)).toContain(sent.status);
  expect(sent.body).toMatchObject({ conversationId, input });
  return (await follow(call, `/api/testing/runs/${sent.body.id}`, { everyMs: 200 })).body;
}

beforeAll(async () => {
  platform = await startPlatform({ port: 0, testModel: 'offline', runnerCacheDir: CACHE });
  buildId = await buildCalculatorAgent(call, 'Chatty agent');
}, 600_000);
afterAll(async () => platform?.close());

describe('conversations with a warm agent', () => {
  it('keeps the conversation over three turns, one agent, one runtime session id', async () => {
    const started = await call('POST', '/api/testing/conversations', { body: { buildId } });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const id = started.body.id as string;
    expect(started.body).toMatchObject({ status: 'ACTIVE', buildId, idleTimeoutMs: 900_000 });
    expect(started.body.runtimeSessionId.length).toBeGreaterThanOrEqual(33);

    const first = await say(id, 'My name is Ada.');
    expect(first.status, first.reason).toBe('succeeded');
    expect(first.output).toContain('You asked: "My name is Ada."');
    const second = await say(id, 'Please use the calculator on "2 + 3"');
    expect(second.status, second.reason).toBe('succeeded');
    expect(second.toolCalls).toEqual([expect.objectContaining({ name: 'calculator', status: 'success' })]);
    const third = await say(id, 'What did I tell you first?');
    expect(third.status, third.reason).toBe('succeeded');
    // The agent answered with the conversation it kept: the model saw the first turn again.
    expect(third.output).toContain('Earlier in this conversation you asked: "My name is Ada."');
    for (const turn of [first, second, third])
      expect(turn.runtimeSessionId).toBe(started.body.runtimeSessionId);
    // A warm agent answers without a start: its first token comes soon after the request.
    expect(third.metrics.requestToFirstTokenMs).toBeGreaterThanOrEqual(third.metrics.timeToFirstTokenMs);

    // Each turn's trace: model calls as the gateway saw them, the tool call with its result's size.
    const tool = second.trace.find((s: Json) => s.kind === 'tool');
    expect(tool).toMatchObject({ name: 'calculator', input: { expression: '2 + 3' }, status: 'success' });
    expect(tool.resultBytes).toBeGreaterThan(0);
    expect(tool.durationMs).toBeGreaterThanOrEqual(0);
    const calls = second.trace.filter((s: Json) => s.kind === 'model');
    expect(calls.map((s: Json) => s.stopReason)).toEqual(['tool_use', 'end_turn']);
    expect(calls[0]).toMatchObject({ name: expect.stringContaining('claude-haiku-4-5') });
    expect(calls.reduce((n: number, s: Json) => n + s.inputTokens, 0)).toBe(second.metrics.inputTokens);
    // Its cost: the offline model's tokens at Claude Haiku 4.5's registry price, said to be hypothetical.
    expect(second.cost).toMatchObject({
      modelName: 'Claude Haiku 4.5',
      inputTokens: second.metrics.inputTokens,
      outputTokens: second.metrics.outputTokens,
      hypothetical: true,
    });
    expect(second.cost.usd).toBeGreaterThan(0);
    const otlp = await call('GET', `/api/testing/runs/${second.id}/trace`);
    expect(otlp.status).toBe(200);
    const spans = otlp.body.resourceSpans[0].scopeSpans[0].spans;
    expect(spans.map((s: Json) => s.name)).toContain('execute_tool calculator');

    const read = await call('GET', `/api/testing/conversations/${id}`);
    expect(read.body.status).toBe('ACTIVE');
    expect(read.body.cost.inputTokens).toBe(
      first.metrics.inputTokens + second.metrics.inputTokens + third.metrics.inputTokens,
    );
    expect(read.body.turns.map((t: Json) => t.input)).toEqual([
      'My name is Ada.',
      'Please use the calculator on "2 + 3"',
      'What did I tell you first?',
    ]);
    expect(runnerAlive(id)).toBe(true);
    const ended = await call('POST', `/api/testing/conversations/${id}/end`);
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ status: 'ENDED', endedReason: 'ended by the builder' });
    const refused = await call('POST', `/api/testing/conversations/${id}/messages`, {
      body: { input: 'hi' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('start a new conversation');
    expect((await call('POST', `/api/testing/conversations/${id}/end`)).status).toBe(409);
    await expect.poll(() => runnerAlive(id), { timeout: 20_000, interval: 250 }).toBe(false);
  }, 300_000);

  it('cancels a turn as cancelled, and the agent answers the next one', async () => {
    const started = await call('POST', '/api/testing/conversations', { body: { buildId } });
    const id = started.body.id as string;
    expect((await say(id, 'hello')).status).toBe('succeeded');
    const slow = await call('POST', `/api/testing/conversations/${id}/messages`, {
      body: { input: '[[offline:slow]] tell me everything, slowly' },
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const cancelling = await call('POST', `/api/testing/runs/${slow.body.id}/cancel`);
    expect(cancelling.status).toBe(202);
    const cancelled = (await follow(call, `/api/testing/runs/${slow.body.id}`, { everyMs: 200 })).body;
    expect(cancelled).toMatchObject({ status: 'cancelled', reason: 'the turn was cancelled' });
    const after = await say(id, 'still there?');
    expect(after.status, after.reason).toBe('succeeded');
    expect(after.output).toContain('Earlier in this conversation you asked: "hello"');
    await call('POST', `/api/testing/conversations/${id}/end`);
  }, 300_000);

  it("runs an evaluation's case runs as conversations: a later turn sees the earlier one, model calls counted", async () => {
    const yaml = [
      'name: warm',
      'cases:',
      '  - id: remembers',
      '    conversation: ["My name is Ada.", "What did I tell you first?"]',
      `    assertions: [{ type: contains, value: 'Earlier in this conversation you asked: "My name is Ada."' }, { type: model-calls, max: 2 }]`,
      '  - id: adds',
      '    input: use calculator on "2 + 3"',
      '    assertions: [{ type: tool-called, name: calculator }, { type: cost, maxUsd: 1 }]',
    ].join('\n');
    const started = await call('POST', '/api/evaluations/runs', { body: { buildId, yaml } });
    expect([201, 202], JSON.stringify(started.body)).toContain(started.status);
    const run = (await follow(call, `/api/evaluations/runs/${started.body.id}`, { everyMs: 250 })).body;
    expect(run.status, run.reason).toBe('COMPLETED');
    const remembers = run.result.cases[0].runs[0];
    expect(remembers.assertions.map((a: Json) => [a.type, a.status])).toEqual([
      ['contains', 'passed'],
      ['model-calls', 'passed'],
    ]);
    expect(run.result.summary).toMatchObject({
      verdict: 'passed',
      skippedAssertions: 0,
      costHypothetical: true,
    });
    // Both turns were said in one conversation, which the evaluation ended (its runner stopped).
    const turns = await Promise.all(
      remembers.runIds.map(async (id: string) => (await call('GET', `/api/testing/runs/${id}`)).body),
    );
    expect(turns).toHaveLength(2);
    const conversationId = turns[0].conversationId as string;
    expect(turns[1].conversationId).toBe(conversationId);
    expect(turns[1].cost).toMatchObject({ hypothetical: true });
    expect((await call('GET', `/api/testing/conversations/${conversationId}`)).body.status).toBe('ENDED');
    await expect.poll(() => runnerAlive(conversationId), { timeout: 20_000, interval: 250 }).toBe(false);
  }, 300_000);

  it('stops an idle agent after its idle timeout', async () => {
    const started = await call('POST', '/api/testing/conversations', {
      body: { buildId, idleTimeoutSeconds: 5 },
    });
    const id = started.body.id as string;
    expect((await say(id, 'one question only')).status).toBe('succeeded');
    await expect
      .poll(async () => (await call('GET', `/api/testing/conversations/${id}`)).body, {
        timeout: 60_000,
        interval: 500,
      })
      .toMatchObject({ status: 'ENDED', endedReason: 'idle for 5 s: its agent was stopped' });
    await expect.poll(() => runnerAlive(id), { timeout: 20_000, interval: 250 }).toBe(false);
    expect(
      (await call('POST', `/api/testing/conversations/${id}/messages`, { body: { input: 'hi' } })).status,
    ).toBe(409);
  }, 300_000);
});
