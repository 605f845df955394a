import { type FormEvent, useEffect, useState } from 'react';
import {
  api,
  useBuildProjectMutation,
  useEndConversationMutation,
  useGetBuildQuery,
  useGetConversationQuery,
  useGetTestRunQuery,
  useHistoryQuery,
  useListVersionsQuery,
  useStartConversationMutation,
} from '../api.ts';
import { type StreamState, useTestStream } from '../hooks/use-test-stream.ts';
import { useAppDispatch } from '../store.ts';
import type { Build, RunMetrics, Session, TestRun } from '../types.ts';
import { Feedback } from './Feedback.tsx';
import { Loading, ProblemMessage } from './ProblemMessage.tsx';

const buildKey = (generationId: string) => `agent-builder-build:${generationId}`;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const PHASES: Record<string, string> = {
  queued: 'Waiting for the runner',
  fetching: 'Fetching the generated project',
  installing: 'Installing dependencies',
  building: 'Compiling',
};

/** One answered message of a conversation. */
interface Turn {
  runId?: string;
  input: string;
  output: string;
  toolCalls: StreamState['toolCalls'];
  status?: string;
  reason?: string;
  metrics?: RunMetrics;
}

/** A value as readable text: strings as they are, anything else as indented JSON. */
const pretty = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

/** Tool calls, each collapsible, its arguments pretty-printed. */
function ToolCalls({ calls }: { calls: StreamState['toolCalls'] }) {
  return (
    <ul className="tool-calls" aria-label="Tool calls">
      {calls.map((c) => (
        <li key={c.toolUseId}>
          <details>
            <summary>
              <code>{c.name}</code> →{' '}
              <span className={`badge ${c.status ?? 'pending'}`}>{c.status ?? 'running'}</span>
            </summary>
            <pre className="log">{pretty(c.input ?? {})}</pre>
          </details>
        </li>
      ))}
    </ul>
  );
}

/** A run's figures: time to first token from the request and agent-side, tokens, tool calls. */
function Metrics({ metrics }: { metrics: RunMetrics }) {
  return (
    <dl className="metrics" aria-label="Metrics">
      <dt>Total</dt>
      <dd>{metrics.totalLatencyMs} ms</dd>
      <dt>First token</dt>
      <dd>{metrics.timeToFirstTokenMs ?? '—'} ms</dd>
      {metrics.requestToFirstTokenMs !== undefined && (
        <>
          <dt>First token from your request</dt>
          <dd>{metrics.requestToFirstTokenMs} ms</dd>
        </>
      )}
      <dt>Tokens in / out</dt>
      <dd>
        {metrics.inputTokens} / {metrics.outputTokens}
      </dd>
      <dt>Tool calls</dt>
      <dd>{metrics.toolCalls}</dd>
    </dl>
  );
}

type RunCost = NonNullable<TestRun['cost']>;
type Span = NonNullable<TestRun['trace']>[number];

const dollars = (usd: number) =>
  `$${usd.toLocaleString('en-US', { minimumFractionDigits: usd !== 0 && usd < 0.01 ? 6 : 2, maximumFractionDigits: usd !== 0 && usd < 0.01 ? 6 : 2 })}`;

/** What tokens cost on the spec's model: "would cost" when the offline model produced them. */
export function costText(cost: RunCost): string {
  const tokens = `${cost.inputTokens.toLocaleString('en-US')} in / ${cost.outputTokens.toLocaleString('en-US')} out`;
  return cost.hypothetical
    ? `would cost ${dollars(cost.usd)} on ${cost.modelName} (${tokens}, offline model's tokens)`
    : `${dollars(cost.usd)} on ${cost.modelName} (${tokens})`;
}

/** A run's timeline: each model call and tool call as a bar on the run's time axis. */
function Waterfall({ trace, totalMs }: { trace: Span[]; totalMs: number }) {
  const total = Math.max(totalMs, ...trace.map((s) => s.startMs + (s.durationMs ?? 0)), 1);
  return (
    <ol className="waterfall" aria-label="Trace">
      {trace.map((s) => (
        <li
          key={`${s.kind}-${s.startMs}-${s.kind === 'tool' ? s.toolUseId : s.name}`}
          className={`span ${s.kind}`}
        >
          <span className="span-label">
            {s.kind === 'model' ? `model ${s.name}` : `tool ${s.name}`}
            {' · '}
            {s.durationMs ?? '—'} ms
            {s.kind === 'model'
              ? ` · ${s.inputTokens}/${s.outputTokens} tokens${s.stopReason ? ` · ${s.stopReason}` : ''}`
              : `${s.resultBytes !== undefined ? ` · ${s.resultBytes} B result` : ''}${s.error ? ` · ${s.error}` : ''}`}
          </span>
          <span className="span-track">
            <span
              className="span-bar"
              style={{
                marginLeft: `${(s.startMs / total) * 100}%`,
                width: `${Math.max(((s.durationMs ?? 0) / total) * 100, 0.5)}%`,
              }}
            />
          </span>
        </li>
      ))}
    </ol>
  );
}

/** A finished run's cost and trace, read from the platform once it is stored. */
function RunDetails({ runId }: { runId: string }) {
  const run = useGetTestRunQuery(runId);
  if (!run.data) return null;
  return (
    <div className="stack">
      {run.data.cost && (
        <p className="muted" data-testid="run-cost">
          Cost of this answer: {costText(run.data.cost)}
        </p>
      )}
      {run.data.trace && run.data.trace.length > 0 && (
        <details>
          <summary>Trace ({run.data.trace.length} steps)</summary>
          <Waterfall trace={run.data.trace} totalMs={run.data.metrics?.totalLatencyMs ?? 0} />
          <a href={`/api/testing/runs/${encodeURIComponent(runId)}/trace`} download={`trace-${runId}.json`}>
            Export as OpenTelemetry JSON
          </a>
        </details>
      )}
    </div>
  );
}

/** One message and its answer. */
function ChatTurn({ turn }: { turn: Turn }) {
  return (
    <li className="stack">
      <p className="chat-user">{turn.input}</p>
      <div className="output">{turn.output}</div>
      {turn.toolCalls.length > 0 && <ToolCalls calls={turn.toolCalls} />}
      {turn.status && turn.status !== 'succeeded' && (
        <p className={`run-status ${turn.status}`}>
          {turn.status}
          {turn.reason ? `: ${turn.reason}` : ''}
        </p>
      )}
      {turn.runId && <RunDetails runId={turn.runId} />}
      {turn.metrics && (
        <p className="muted">
          {turn.metrics.totalLatencyMs} ms · first token{' '}
          {turn.metrics.requestToFirstTokenMs ?? turn.metrics.timeToFirstTokenMs ?? '—'} ms from your request
          · {turn.metrics.inputTokens} / {turn.metrics.outputTokens} tokens
        </p>
      )}
    </li>
  );
}

/** A build that is going: its phase, the time since it started, npm's progress and the log tail. */
function BuildProgress({ build }: { build: Build }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, []);
  const progress = build.progress;
  const elapsed = Math.max(0, now - Date.parse(build.createdAt));
  return (
    <div className="build-progress stack" role="status" aria-live="polite" aria-label="Build progress">
      <p>
        <strong>{PHASES[progress?.phase ?? 'queued'] ?? progress?.phase}</strong>
        {' · '}
        <span data-testid="build-elapsed">{seconds(elapsed)}</span>
        {progress?.packagesFetched ? ` · ${progress.packagesFetched} packages fetched` : ''}
      </p>
      {progress?.message && <p className="muted">{progress.message}</p>}
      {progress && progress.logTail.length > 0 && (
        <pre className="log" data-testid="build-log">
          {progress.logTail.slice(-8).join('\n')}
        </pre>
      )}
    </div>
  );
}

/** Testing: build the generated project, run it on an input with live output, and the run history. */
export function TestRunner({ session }: { session: Session }) {
  const generationId = session.generationIds.at(-1);
  const [buildProject, building] = useBuildProjectMutation();
  const [build, setBuild] = useState<Build | undefined>(() => {
    const saved = generationId ? localStorage.getItem(buildKey(generationId)) : null;
    return saved ? (JSON.parse(saved) as Build) : undefined;
  });
  const history = useHistoryQuery({ sessionId: session.id });
  // Builds and runs name the version of the agent they belong to.
  const versions = useListVersionsQuery(session.id, { skip: !generationId });
  const versionOf = (id: string) => versions.data?.versions.find((v) => v.id === id)?.version;
  const current = generationId ? versionOf(generationId) : undefined;
  // A build answers 202 at once: follow it by GET until it is READY or FAILED.
  const followed = useGetBuildQuery(build?.id ?? '', {
    skip: build?.status !== 'BUILDING',
    pollingInterval: 1_000,
  });
  useEffect(() => {
    if (followed.data && followed.data.id === build?.id) setBuild(followed.data);
  }, [followed.data, build?.id]);
  const dispatch = useAppDispatch();
  // A finished run changes every view of the history (this list, the header's and the Deployment
  // tab's check of the version's last test), so all of them are fetched again.
  const { state, run, say, cancel } = useTestStream(() => dispatch(api.util.invalidateTags(['History'])));
  const [input, setInput] = useState('');
  const [asked, setAsked] = useState('');
  const [conversationId, setConversationId] = useState<string | undefined>();
  const [turns, setTurns] = useState<Turn[]>([]);
  const [startConversation, starting] = useStartConversationMutation();
  const [endConversation] = useEndConversationMutation();
  const conversation = useGetConversationQuery(conversationId ?? '', { skip: !conversationId });
  // A finished answer joins the conversation's transcript.
  useEffect(() => {
    if (state.running || !state.status || !state.runId) return;
    const runId = state.runId;
    setTurns((ts) =>
      ts.some((t) => t.runId === runId)
        ? ts
        : [
            ...ts,
            {
              runId,
              input: asked,
              output: state.output,
              toolCalls: state.toolCalls,
              status: state.status,
              ...(state.reason ? { reason: state.reason } : {}),
              ...(state.metrics ? { metrics: state.metrics } : {}),
            },
          ],
    );
  }, [state, asked]);
  // Replay: the same messages, in order, to a new conversation (a fresh agent), each after the last answer.
  const [queue, setQueue] = useState<string[]>([]);
  useEffect(() => {
    if (!conversationId || state.running || queue.length === 0) return;
    const [next, ...rest] = queue;
    if (next === undefined) return;
    setQueue(rest);
    setAsked(next);
    say(conversationId, next);
  }, [queue, state.running, conversationId, say]);
  const refreshConversation = conversation.refetch;
  const answered = turns.length;
  useEffect(() => {
    if (answered > 0 && conversationId) void refreshConversation();
  }, [answered, conversationId, refreshConversation]);
  useEffect(() => {
    if (generationId && build?.status === 'READY')
      localStorage.setItem(buildKey(generationId), JSON.stringify(build));
  }, [build, generationId]);

  if (!generationId) return <p className="empty">Generate the project first; then build and run it here.</p>;

  const doBuild = async () => {
    const result = await buildProject({ generationId });
    if ('data' in result && result.data) setBuild(result.data);
  };
  // The latest answer is shown live below the earlier ones.
  const earlier = turns.filter((t) => t.runId !== state.runId);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = input.trim();
    if (build?.status !== 'READY' || !text) return;
    let id = conversationId;
    if (!id || conversation.data?.status === 'ENDED' || conversation.data?.buildId !== build.id) {
      const started = await startConversation({ buildId: build.id });
      if (!('data' in started) || !started.data) return;
      id = started.data.id;
      setConversationId(id);
      setTurns([]);
    }
    setAsked(text);
    setInput('');
    say(id, text);
  };
  const replay = async () => {
    if (build?.status !== 'READY') return;
    const inputs = turns.map((t) => t.input);
    if (conversationId) void endConversation(conversationId);
    const started = await startConversation({ buildId: build.id });
    if (!('data' in started) || !started.data) return;
    setConversationId(started.data.id);
    setTurns([]);
    setQueue(inputs);
  };
  const newConversation = () => {
    if (conversationId) void endConversation(conversationId);
    setConversationId(undefined);
    setTurns([]);
  };

  return (
    <div className="stack">
      <section className="card stack" aria-labelledby="build-heading">
        <h2 id="build-heading">Build{current ? ` v${current}` : ''}</h2>
        {!build && <p>Install the project's dependencies and compile it, as the deployment would.</p>}
        {build?.status === 'READY' && (
          <p role="status">
            Built: ready to run
            {build.buildMs !== undefined ? ` (compiled in ${(build.buildMs / 1000).toFixed(1)} s)` : ''}.
          </p>
        )}
        {build?.status === 'FAILED' && (
          <div className="problem" role="alert">
            <strong>The build failed</strong>
            <pre className="log">{build.reason}</pre>
          </div>
        )}
        {build?.status === 'BUILDING' && <BuildProgress build={build} />}
        <div>
          <button
            type="button"
            onClick={doBuild}
            disabled={building.isLoading || build?.status === 'BUILDING'}
            className={build ? '' : 'primary'}
          >
            {building.isLoading
              ? 'Starting the build…'
              : build?.status === 'BUILDING'
                ? 'Building…'
                : build
                  ? 'Build again'
                  : 'Build the project'}
          </button>
        </div>
        <ProblemMessage error={building.error} />
        <ProblemMessage error={followed.error} onRetry={() => followed.refetch()} />
      </section>
      <section className="card stack" aria-labelledby="run-heading">
        <div className="row">
          <h2 id="run-heading">Chat</h2>
          {conversationId && (
            <button type="button" onClick={newConversation} disabled={state.running}>
              New conversation
            </button>
          )}
          {turns.length > 0 && (
            <button type="button" onClick={replay} disabled={state.running || queue.length > 0}>
              Replay conversation
            </button>
          )}
        </div>
        <p className="muted">
          The agent is started once and kept warm for the conversation (stopped after{' '}
          {conversation.data ? Math.round(conversation.data.idleTimeoutMs / 60_000) : 15} minutes without a
          message), so it remembers what was said.
        </p>
        {conversation.data?.cost && (
          <p className="muted" data-testid="conversation-cost">
            This conversation ({conversation.data.turns?.length ?? 0} answers):{' '}
            {costText(conversation.data.cost)}
          </p>
        )}
        {earlier.length > 0 && (
          <ol className="chat" aria-label="Conversation">
            {earlier.map((t) => (
              <ChatTurn key={t.runId ?? t.input} turn={t} />
            ))}
          </ol>
        )}
        {(state.running || state.status) && (
          <div className="run-output stack">
            <p className="chat-user">{asked}</p>
            {state.phase && state.running && (
              <p className="muted" role="status" aria-live="polite">
                {state.phase}
              </p>
            )}
            <div
              className="output"
              role="log"
              aria-live="polite"
              aria-label="Agent output"
              data-testid="run-output"
            >
              {state.output || (state.running ? '…' : '')}
            </div>
            {state.toolCalls.length > 0 && <ToolCalls calls={state.toolCalls} />}
            {state.status && (
              <p className={`run-status ${state.status}`} role="status">
                {state.status}
                {state.reason ? `: ${state.reason}` : ''}
              </p>
            )}
            {state.metrics && <Metrics metrics={state.metrics} />}
            {!state.running && state.status && state.runId && <RunDetails runId={state.runId} />}
            {state.status && !state.running && state.runId && (
              <Feedback subject="test-run" id={state.runId} />
            )}
            {state.logs.length > 0 && (
              <details>
                <summary>Logs ({state.logs.length} lines)</summary>
                <pre className="log">{state.logs.join('\n')}</pre>
              </details>
            )}
          </div>
        )}
        <form onSubmit={submit} className="stack">
          <label>
            {turns.length > 0 ? 'Your next message' : 'Input'}
            <textarea
              rows={3}
              value={input}
              onChange={(e) => setInput(e.target.value)}
              placeholder='Use the calculator on "2 + 3 * 4"'
            />
          </label>
          <div className="row">
            <button
              type="submit"
              className="primary"
              disabled={build?.status !== 'READY' || state.running || starting.isLoading || !input.trim()}
            >
              {state.running ? 'Running…' : 'Run'}
            </button>
            {state.running && (
              <button type="button" onClick={cancel} disabled={!state.runId}>
                Stop
              </button>
            )}
            {state.model && <span className="badge model-label">{state.model}</span>}
          </div>
        </form>
        <ProblemMessage error={starting.error} />
        <ProblemMessage problem={state.problem} />
      </section>
      <section className="card" aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        {history.isLoading && <Loading label="Loading past runs" />}
        {history.error && <ProblemMessage error={history.error} onRetry={() => history.refetch()} />}
        {history.data && history.data.runs.length === 0 && <p className="empty">No runs yet.</p>}
        <ol className="history">
          {history.data?.runs.map((r) => (
            <li key={r.id}>
              <div>
                <span className={`badge ${r.status}`}>{r.status}</span>{' '}
                {versionOf(r.generationId) && <span className="badge">v{versionOf(r.generationId)}</span>}{' '}
                <q>{r.input}</q>
                {r.metrics && (
                  <span className="muted">
                    {' '}
                    · {r.metrics.totalLatencyMs} ms · {r.metrics.toolCalls} tool calls
                  </span>
                )}
                {r.model && <span className="muted"> · {r.model.label}</span>}
                {r.cost && <span className="muted"> · {costText(r.cost)}</span>}
                {r.output && <p className="history-output">{r.output.slice(0, 300)}</p>}
              </div>
              <button
                type="button"
                disabled={state.running}
                onClick={() => {
                  setAsked(r.input);
                  run({ buildId: r.buildId, input: r.input });
                }}
              >
                Re-run
              </button>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
