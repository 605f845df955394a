import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, FileStorage, tool } from '@strands-agents/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../src/agent.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { SYSTEM_PROMPT } from '../src/prompt.js';
import { createServer, SESSION_HEADER } from '../src/server.js';
import { TEST_ENV } from './helpers/env.js';
import { ScriptedModel } from './helpers/scripted-model.js';

const SESSION_ID = 'test-session-0123456789-abcdefghijklmnop';
const addNumbers = tool({
  name: 'add_numbers',
  description: 'Add two numbers.',
  inputSchema: z.object({ a: z.number(), b: z.number() }),
  callback: ({ a, b }) => a + b,
});

let base = '';
let scripts: ConstructorParameters<typeof ScriptedModel>[0][] = [];
const server = createServer({
  createAgent: () => new Agent({ model: new ScriptedModel(scripts.shift() ?? []), systemPrompt: SYSTEM_PROMPT, tools: [addNumbers], printer: false }),
  logger: createLogger('ERROR'),
  maxInputChars: 1000,
  maxSessions: 10,
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const invoke = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SESSION_HEADER]: SESSION_ID, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('AgentCore runtime contract', () => {
  it('answers GET /ping with Healthy and the time of the last status change', async () => {
    const response = await fetch(`${base}/ping`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; time_of_last_update: number };
    expect(body.status).toBe('Healthy');
    expect(Number.isInteger(body.time_of_last_update)).toBe(true);
    expect(body.time_of_last_update).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('answers POST /invocations with JSON', async () => {
    scripts = [[{ text: 'The answer is 42.' }]];
    const response = await invoke({ prompt: 'What is the answer?' }, { [SESSION_HEADER]: `${SESSION_ID}-json` });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await response.json()) as { response: string; sessionId: string; usage: { inputTokens: number } };
    expect(body.response).toContain('The answer is 42.');
    expect(body.sessionId).toBe(`${SESSION_ID}-json`);
    expect(body.usage.inputTokens).toBeGreaterThan(0);
  });

  it('streams text, tool calls and tool results as server-sent events', async () => {
    scripts = [[{ tool: 'add_numbers', input: { a: 2, b: 3 } }, { text: 'Two plus three is 5.' }]];
    const response = await invoke({ prompt: 'Add 2 and 3' }, { accept: 'text/event-stream', [SESSION_HEADER]: `${SESSION_ID}-sse` });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = (await response.text())
      .split('\n\n')
      .filter((chunk) => chunk.startsWith('data: '))
      .map((chunk) => JSON.parse(chunk.slice(6)) as { type: string; text?: string; name?: string; status?: string });
    expect(events.find((e) => e.type === 'tool_call')?.name).toBe('add_numbers');
    expect(events.find((e) => e.type === 'tool_result')?.status).toBe('success');
    expect(events.filter((e) => e.type === 'text').map((e) => e.text).join('')).toBe('Two plus three is 5.');
    expect(events.at(-1)?.type).toBe('done');
  });

  it('keeps the conversation of a session', async () => {
    const session = `${SESSION_ID}-memory`;
    scripts = [[{ text: 'First.' }, { text: 'Second.' }]];
    await invoke({ prompt: 'one' }, { [SESSION_HEADER]: session });
    const second = (await (await invoke({ prompt: 'two' }, { [SESSION_HEADER]: session })).json()) as { response: string };
    expect(second.response).toContain('Second.');
  });

  it('keeps a conversation across two servers sharing a session store', async () => {
    // Two tasks behind a load balancer, or one restarted: the store (S3 in AWS, a directory here) carries it.
    const dir = await mkdtemp(join(tmpdir(), 'agent-sessions-'));
    const config = await loadConfig(TEST_ENV);
    const sessions = new FileStorage(dir);
    const models: ScriptedModel[] = [];
    const start = async () => {
      const shared = createServer({
        createAgent: (sessionId) => createAgent(config, { model: models.shift(), tools: [], sessionId, sessions }),
        logger: createLogger('ERROR'),
        maxInputChars: 1000,
        maxSessions: 10,
        restoreEachRequest: true,
      });
      await new Promise<void>((resolve) => shared.listen(0, '127.0.0.1', resolve));
      return { shared, url: `http://127.0.0.1:${(shared.address() as AddressInfo).port}/invocations` };
    };
    const ask = (url: string, prompt: string, session = `${SESSION_ID}-shared`) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', [SESSION_HEADER]: session }, body: JSON.stringify({ prompt }) });
    const first = await start();
    const second = await start();
    try {
      models.push(new ScriptedModel([{ text: 'Noted: order 4217.' }]));
      expect((await ask(first.url, 'My order is 4217.')).status).toBe(200);
      const onSecond = new ScriptedModel([{ text: 'Your order is 4217.' }]);
      models.push(onSecond);
      expect((await ask(second.url, 'What is my order?')).status).toBe(200);
      expect(onSecond.requests[0]?.texts).toEqual(['My order is 4217.', 'Noted: order 4217.', 'What is my order?']);
      // Back on the first server: it restores the turn the second one answered instead of its own copy.
      const backOnFirst = new ScriptedModel([{ text: 'Still 4217.' }]);
      models.push(backOnFirst);
      expect((await ask(first.url, 'And again?')).status).toBe(200);
      expect(backOnFirst.requests[0]?.texts).toHaveLength(5);
      // A caller's session id with capitals and dots is stored under a safe name, not refused.
      models.push(new ScriptedModel([{ text: 'Hello.' }]));
      expect((await ask(first.url, 'Hi', 'Caller.Session.ID-0123456789-ABCDEFGHIJKLMNOP')).status).toBe(200);
    } finally {
      await Promise.all([first, second].map(({ shared }) => new Promise((resolve) => shared.close(resolve))));
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports the usage of each request, not of the whole session', async () => {
    const session = `${SESSION_ID}-usage`;
    scripts = [[{ text: 'First.' }, { text: 'Second.' }]];
    type Answer = { usage: { inputTokens: number; outputTokens: number } };
    const first = (await (await invoke({ prompt: 'one' }, { [SESSION_HEADER]: session })).json()) as Answer;
    const second = (await (await invoke({ prompt: 'two' }, { [SESSION_HEADER]: session })).json()) as Answer;
    // The scripted model reports 12 input and 7 output tokens for each model call.
    expect(first.usage).toEqual({ inputTokens: 12, outputTokens: 7 });
    expect(second.usage).toEqual(first.usage);
  });

  it('rejects a missing prompt, bad JSON, a short session id and an oversized prompt with clear errors', async () => {
    const missing = await invoke({});
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    expect((await invoke('{not json')).status).toBe(400);
    expect((await invoke({ prompt: 'hi' }, { [SESSION_HEADER]: 'too-short' })).status).toBe(400);
    expect((await invoke({ prompt: 'x'.repeat(1001) })).status).toBe(413);
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/invocations`)).status).toBe(405);
  });
});
