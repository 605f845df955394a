import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { reduceStream } from '../hooks/use-test-stream.ts';
import { fakeApi, makeSession, renderAt } from '../test/harness.tsx';
import type { StreamEvent } from '../types.ts';
import { TestRunner } from './TestRunner.tsx';

const offline = { kind: 'offline', label: 'offline model' } as const;
/** The fields the harness stamps on every event it streams. */
const at = (seq: number) => ({ runId: 'r1', seq, atMs: seq * 10, model: offline });
const metrics = {
  totalLatencyMs: 900,
  timeToFirstTokenMs: 80,
  installMs: 0,
  buildMs: 0,
  inputTokens: 120,
  outputTokens: 30,
  toolCalls: 1,
  exitCode: null,
  status: 'succeeded' as const,
};

/** A WebSocket stand-in: records what the page sends and lets the test push server events. */
class FakeSocket {
  static last: FakeSocket | undefined;
  static readonly OPEN = 1;
  readyState = 1;
  sent: unknown[] = [];
  onopen?: () => void;
  onmessage?: (m: { data: string }) => void;
  onerror?: () => void;
  constructor(readonly url: string) {
    FakeSocket.last = this;
    setTimeout(() => this.onopen?.(), 0);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  push(event: unknown) {
    act(() => this.onmessage?.({ data: JSON.stringify(event) }));
  }
}

describe('TestRunner', () => {
  it('folds stream events into the run: text, tool calls and results, logs, metrics, result', () => {
    const events: StreamEvent[] = [
      { type: 'accepted', runId: 'r1', buildId: 'b1' },
      { ...at(1), type: 'status', phase: 'starting', message: 'starting the agent' },
      { ...at(2), type: 'tool_call', name: 'calculator', toolUseId: 't1', input: { expression: '1+1' } },
      { ...at(3), type: 'tool_result', toolUseId: 't1', status: 'success' },
      { ...at(4), type: 'text', text: 'It is ' },
      { ...at(5), type: 'text', text: '2.' },
      { ...at(6), type: 'log', source: 'agent', stream: 'stdout', line: 'listening' },
      {
        ...at(7),
        type: 'result',
        result: {
          runId: 'r1',
          mode: 'run',
          status: 'succeeded',
          input: 'What is 1+1?',
          output: 'It is 2.',
          toolCalls: [{ toolUseId: 't1', name: 'calculator', status: 'success' }],
          logs: [],
          metrics,
          model: offline,
          startedAt: '2026-01-01T00:00:00.000Z',
          finishedAt: '2026-01-01T00:00:01.000Z',
        },
      },
    ];
    const state = events.reduce(reduceStream, { running: true, output: '', toolCalls: [], logs: [] });
    expect(state).toMatchObject({
      runId: 'r1',
      running: false,
      output: 'It is 2.',
      toolCalls: [{ name: 'calculator', status: 'success' }],
      logs: ['[agent] listening'],
      status: 'succeeded',
      model: 'offline model',
      metrics: { toolCalls: 1 },
    });
  });

  it('builds, then streams a run live with its tool call, status, metrics and model label; history re-runs', async () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    const conversation = {
      id: 'c1',
      buildId: 'b1',
      generationId: 'g1',
      status: 'ACTIVE',
      runtimeSessionId: 'conversation-c1-0000000000000000000000000000',
      idleTimeoutMs: 900_000,
      turns: [],
      createdAt: '2026-01-01T00:00:00Z',
    };
    const { calls } = fakeApi([
      {
        method: 'POST',
        path: /^\/api\/testing\/build$/,
        status: 201,
        body: {
          id: 'b1',
          generationId: 'g1',
          status: 'READY',
          buildMs: 2100,
          createdAt: '2026-01-01T00:00:00Z',
        },
      },
      {
        method: 'POST',
        path: /^\/api\/testing\/conversations$/,
        status: 202,
        body: conversation,
      },
      { path: /^\/api\/testing\/conversations\/c1$/, body: conversation },
      {
        path: /^\/api\/testing\/runs\/r1$/,
        body: {
          id: 'r1',
          buildId: 'b1',
          generationId: 'g1',
          conversationId: 'c1',
          input: 'Use the calculator on "1+1"',
          status: 'succeeded',
          output: 'It is 2.',
          metrics,
          model: offline,
          trace: [
            {
              kind: 'model',
              name: 'anthropic.claude-haiku-4-5-20251001-v1:0',
              startMs: 10,
              durationMs: 200,
              inputTokens: 60,
              outputTokens: 10,
              stopReason: 'tool_use',
            },
            {
              kind: 'tool',
              name: 'calculator',
              toolUseId: 't1',
              startMs: 220,
              durationMs: 15,
              input: { expression: '1+1' },
              resultBytes: 42,
              status: 'success',
            },
          ],
          cost: {
            modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
            modelName: 'Claude Haiku 4.5',
            inputTokens: 120,
            outputTokens: 30,
            usd: 0.00027,
            hypothetical: true,
          },
          expiresAt: '2026-01-01T01:00:00Z',
          createdAt: '2026-01-01T00:00:00Z',
        },
      },
      {
        path: /^\/api\/testing\/history$/,
        body: {
          runs: [
            {
              id: 'r0',
              buildId: 'b1',
              generationId: 'g1',
              expiresAt: '2026-01-01T01:00:00Z',
              input: 'earlier question',
              status: 'succeeded',
              output: 'earlier answer',
              createdAt: '2026-01-01T00:00:00Z',
              model: offline,
            },
          ],
        },
      },
    ]);
    renderAt(<TestRunner session={makeSession({ phase: 'TESTING', generationIds: ['g1'] })} />);
    expect(screen.getByRole('button', { name: 'Run' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Build the project' }));
    await screen.findByText('Built: ready to run (compiled in 2.1 s).');
    expect(calls.find((c) => c.path === '/api/testing/build')?.body).toEqual({ generationId: 'g1' });

    await userEvent.type(screen.getByLabelText('Input'), 'Use the calculator on "1+1"');
    await userEvent.click(screen.getByRole('button', { name: 'Run' }));
    const socket = FakeSocket.last as FakeSocket;
    await waitFor(() =>
      expect(socket.sent).toEqual([
        { action: 'say', conversationId: 'c1', input: 'Use the calculator on "1+1"' },
      ]),
    );
    expect(calls.find((c) => c.path === '/api/testing/conversations')?.body).toEqual({ buildId: 'b1' });
    expect(socket.url).toBe('ws://api.test/ws/testing/stream');
    socket.push({ type: 'accepted', runId: 'r1', buildId: 'b1' });
    socket.push({ type: 'status', phase: 'invoking', message: 'POST /invocations', model: offline });
    expect(screen.getByText('offline model')).toBeInTheDocument();
    socket.push({ type: 'tool_call', name: 'calculator', toolUseId: 't1', input: { expression: '1+1' } });
    socket.push({ type: 'text', text: 'It is ' });
    expect(screen.getByTestId('run-output')).toHaveTextContent('It is');
    expect(screen.getByRole('button', { name: 'Stop' })).toBeEnabled();
    socket.push({ type: 'tool_result', toolUseId: 't1', status: 'success' });
    socket.push({ type: 'text', text: '2.' });
    socket.push({
      type: 'result',
      model: offline,
      result: { runId: 'r1', status: 'succeeded', output: 'It is 2.', metrics },
    });
    expect(screen.getByTestId('run-output')).toHaveTextContent('It is 2.');
    const tools = screen.getByRole('list', { name: 'Tool calls' });
    expect(tools).toHaveTextContent('calculator → success');
    // Arguments pretty-printed, not raw JSON on one line.
    expect(tools.querySelector('pre')?.textContent).toBe('{\n  "expression": "1+1"\n}');
    expect(screen.getByLabelText('Metrics')).toHaveTextContent(
      'Total900 msFirst token80 msTokens in / out120 / 30Tool calls1',
    );
    expect(screen.getByText('succeeded', { selector: '.run-status' })).toBeInTheDocument();
    // Its cost and its trace, read once the run is stored.
    expect(await screen.findByTestId('run-cost', {}, { timeout: 5_000 })).toHaveTextContent(
      "Cost of this answer: would cost $0.000270 on Claude Haiku 4.5 (120 in / 30 out, offline model's tokens)",
    );
    expect(screen.getByRole('list', { name: 'Trace' })).toHaveTextContent(
      'tool calculator · 15 ms · 42 B result',
    );

    // History: an earlier run, re-run with its input.
    expect(await screen.findByText('earlier answer')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Re-run' }));
    await waitFor(() =>
      expect((FakeSocket.last as FakeSocket).sent).toEqual([
        { action: 'run', buildId: 'b1', input: 'earlier question' },
      ]),
    );
  });

  it("shows the compiler's message when the build fails", async () => {
    fakeApi([
      {
        method: 'POST',
        path: /^\/api\/testing\/build$/,
        status: 201,
        body: {
          id: 'b2',
          generationId: 'g1',
          status: 'FAILED',
          reason: 'src/agent.ts(3,7): error TS2322',
          createdAt: '2026-01-01T00:00:00Z',
        },
      },
      { path: /^\/api\/testing\/history$/, body: { runs: [] } },
    ]);
    renderAt(<TestRunner session={makeSession({ phase: 'TESTING', generationIds: ['g1'] })} />);
    expect(await screen.findByText('No runs yet.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Build the project' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('error TS2322');
    expect(screen.getByRole('button', { name: 'Run' })).toBeDisabled();
  });

  it('follows a build answered 202: its phase, elapsed time, npm progress and log tail, until READY', async () => {
    let reads = 0;
    const building = {
      id: 'b3',
      generationId: 'g1',
      status: 'BUILDING',
      createdAt: new Date().toISOString(),
    };
    const { calls } = fakeApi([
      { method: 'POST', path: /^\/api\/testing\/build$/, status: 202, body: building },
      {
        path: /^\/api\/testing\/builds\/b3$/,
        body: () => {
          reads += 1;
          return reads < 2
            ? {
                ...building,
                progress: {
                  phase: 'installing',
                  message: 'installing typescript dependencies',
                  elapsedMs: 4_000,
                  packagesFetched: 42,
                  logTail: ['[install] npm http fetch GET 200 https://registry.npmjs.org/zod 80ms'],
                  updatedAt: new Date().toISOString(),
                },
              }
            : { ...building, status: 'READY', buildMs: 1_500 };
        },
      },
      { path: /^\/api\/testing\/history$/, body: { runs: [] } },
    ]);
    renderAt(<TestRunner session={makeSession({ phase: 'TESTING', generationIds: ['g1'] })} />);
    await userEvent.click(screen.getByRole('button', { name: 'Build the project' }));
    const progress = await screen.findByRole('status', { name: 'Build progress' });
    await waitFor(() => expect(progress).toHaveTextContent('Installing dependencies'));
    expect(progress).toHaveTextContent('42 packages fetched');
    expect(progress).toHaveTextContent('npm http fetch GET 200');
    expect(screen.getByRole('button', { name: 'Building…' })).toBeDisabled();
    await screen.findByText('Built: ready to run (compiled in 1.5 s).', {}, { timeout: 4_000 });
    expect(calls.filter((c) => c.path === '/api/testing/builds/b3').length).toBeGreaterThanOrEqual(2);
  });

  it('replays a conversation: the same messages, in order, to a new conversation', async () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    localStorage.setItem(
      'agent-builder-build:g1',
      JSON.stringify({ id: 'b1', generationId: 'g1', status: 'READY', createdAt: '2026-01-01T00:00:00Z' }),
    );
    let started = 0;
    const conversation = (id: string) => ({
      id,
      buildId: 'b1',
      generationId: 'g1',
      status: 'ACTIVE',
      runtimeSessionId: `conversation-${id}-000000000000000000000000000000`,
      idleTimeoutMs: 900_000,
      createdAt: '2026-01-01T00:00:00Z',
    });
    const { calls } = fakeApi([
      { path: /^\/api\/testing\/history$/, body: { runs: [] } },
      {
        method: 'POST',
        path: /^\/api\/testing\/conversations$/,
        status: 202,
        body: () => conversation(`c${++started}`),
      },
      {
        path: /^\/api\/testing\/conversations\/c\d$/,
        body: ({ url }: { url: URL }) => conversation(url.pathname.split('/').pop() ?? ''),
      },
      {
        method: 'POST',
        path: /^\/api\/testing\/conversations\/c\d\/end$/,
        body: { ...conversation('c1'), status: 'ENDED' },
      },
    ]);
    renderAt(<TestRunner session={makeSession({ phase: 'TESTING', generationIds: ['g1'] })} />);
    const answer = (runId: string, text: string) => {
      const socket = FakeSocket.last as FakeSocket;
      socket.push({ type: 'accepted', runId, buildId: 'b1' });
      socket.push({ ...at(1), runId, type: 'text', text });
      socket.push({
        type: 'result',
        model: offline,
        result: { runId, status: 'succeeded', output: text, metrics },
      });
    };
    for (const [i, text] of ['first', 'second'].entries()) {
      await userEvent.type(screen.getByRole('textbox'), text);
      await userEvent.click(screen.getByRole('button', { name: 'Run' }));
      await waitFor(() =>
        expect((FakeSocket.last as FakeSocket).sent).toEqual([
          { action: 'say', conversationId: 'c1', input: text },
        ]),
      );
      answer(`r${i}`, `answer ${i}`);
    }
    await userEvent.click(screen.getByRole('button', { name: 'Replay conversation' }));
    await waitFor(() =>
      expect((FakeSocket.last as FakeSocket).sent).toEqual([
        { action: 'say', conversationId: 'c2', input: 'first' },
      ]),
    );
    answer('r2', 'again 0');
    await waitFor(() =>
      expect((FakeSocket.last as FakeSocket).sent).toEqual([
        { action: 'say', conversationId: 'c2', input: 'second' },
      ]),
    );
    expect(calls.some((c) => c.path === '/api/testing/conversations/c1/end')).toBe(true);
  });

  it('reports a refused run as a problem', async () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    localStorage.setItem(
      'agent-builder-build:g1',
      JSON.stringify({ id: 'b1', generationId: 'g1', status: 'READY' }),
    );
    const conversation = {
      id: 'c2',
      buildId: 'b1',
      generationId: 'g1',
      status: 'ACTIVE',
      runtimeSessionId: 'conversation-c2-0000000000000000000000000000',
      idleTimeoutMs: 900_000,
      createdAt: '2026-01-01T00:00:00Z',
    };
    fakeApi([
      { path: /^\/api\/testing\/history$/, body: { runs: [] } },
      { method: 'POST', path: /^\/api\/testing\/conversations$/, status: 202, body: conversation },
      { path: /^\/api\/testing\/conversations\/c2$/, body: conversation },
    ]);
    renderAt(<TestRunner session={makeSession({ phase: 'TESTING', generationIds: ['g1'] })} />);
    await userEvent.type(screen.getByLabelText('Input'), 'hi');
    await userEvent.click(screen.getByRole('button', { name: 'Run' }));
    await waitFor(() => expect((FakeSocket.last as FakeSocket).sent.length).toBe(1));
    (FakeSocket.last as FakeSocket).push({
      type: 'error',
      problem: {
        type: 'rate-limited',
        title: 'Too many requests',
        status: 429,
        detail: 'you can test at most 120 times an hour',
      },
    });
    expect(screen.getByRole('alert')).toHaveTextContent('you can test at most 120 times an hour');
  });

  it('names the version being built and the version of each past run', async () => {
    const version = (id: string, n: number) => ({
      id,
      status: 'SUCCEEDED',
      version: n,
      createdAt: '2026-01-01T00:00:00Z',
    });
    fakeApi([
      {
        path: /\/versions$/,
        body: { versions: [version('g2', 2), version('g1', 1)], current: { upToDate: true, changes: [] } },
      },
      {
        path: /^\/api\/testing\/history$/,
        body: {
          runs: [
            {
              id: 'r1',
              buildId: 'b1',
              generationId: 'g1',
              sessionId: 's1',
              input: 'What is 2 + 2?',
              status: 'succeeded',
              expiresAt: '2026-01-01T00:00:00Z',
              createdAt: '2026-01-01T00:00:00Z',
            },
          ],
        },
      },
    ]);
    renderAt(<TestRunner session={makeSession({ phase: 'TESTING', generationIds: ['g1', 'g2'] })} />);
    expect(await screen.findByRole('heading', { name: 'Build v2' })).toBeInTheDocument();
    const past = screen.getByText('What is 2 + 2?').closest('li');
    expect(past).toHaveTextContent('v1');
  });
});
