import { type FormEvent, useEffect, useState } from 'react';
import { useBuildProjectMutation, useHistoryQuery, useListVersionsQuery } from '../api.ts';
import { useTestStream } from '../hooks/use-test-stream.ts';
import type { Build, Session } from '../types.ts';
import { Loading, ProblemMessage } from './ProblemMessage.tsx';

const buildKey = (generationId: string) => `agent-builder-build:${generationId}`;

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
  const { state, run, cancel } = useTestStream(() => history.refetch());
  const [input, setInput] = useState('');
  useEffect(() => {
    if (generationId && build?.status === 'READY')
      localStorage.setItem(buildKey(generationId), JSON.stringify(build));
  }, [build, generationId]);

  if (!generationId) return <p className="empty">Generate the project first; then build and run it here.</p>;

  const doBuild = async () => {
    const result = await buildProject({ generationId });
    if ('data' in result && result.data) setBuild(result.data);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (build?.status === 'READY' && input.trim()) run({ buildId: build.id, input: input.trim() });
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
        {build?.status === 'BUILDING' && <Loading label="Still building" />}
        <div>
          <button
            type="button"
            onClick={doBuild}
            disabled={building.isLoading}
            className={build ? '' : 'primary'}
          >
            {building.isLoading
              ? 'Building… (the first build installs dependencies)'
              : build
                ? 'Build again'
                : 'Build the project'}
          </button>
        </div>
        <ProblemMessage error={building.error} />
      </section>
      <section className="card stack" aria-labelledby="run-heading">
        <h2 id="run-heading">Run</h2>
        <form onSubmit={submit} className="stack">
          <label>
            Input
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
              disabled={build?.status !== 'READY' || state.running || !input.trim()}
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
        <ProblemMessage problem={state.problem} />
        {(state.running || state.status) && (
          <div className="run-output stack">
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
            {state.toolCalls.length > 0 && (
              <ul className="tool-calls" aria-label="Tool calls">
                {state.toolCalls.map((c) => (
                  <li key={c.toolUseId}>
                    <code>{c.name}</code>({JSON.stringify(c.input)}) →{' '}
                    <span className={`badge ${c.status ?? 'pending'}`}>{c.status ?? 'running'}</span>
                  </li>
                ))}
              </ul>
            )}
            {state.status && (
              <p className={`run-status ${state.status}`} role="status">
                {state.status}
                {state.reason ? `: ${state.reason}` : ''}
              </p>
            )}
            {state.metrics && (
              <dl className="metrics" aria-label="Metrics">
                <dt>Total</dt>
                <dd>{state.metrics.totalLatencyMs} ms</dd>
                <dt>First token</dt>
                <dd>{state.metrics.timeToFirstTokenMs ?? '—'} ms</dd>
                <dt>Tokens in / out</dt>
                <dd>
                  {state.metrics.inputTokens} / {state.metrics.outputTokens}
                </dd>
                <dt>Tool calls</dt>
                <dd>{state.metrics.toolCalls}</dd>
              </dl>
            )}
            {state.logs.length > 0 && (
              <details>
                <summary>Logs ({state.logs.length} lines)</summary>
                <pre className="log">{state.logs.join('\n')}</pre>
              </details>
            )}
          </div>
        )}
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
                {r.output && <p className="history-output">{r.output.slice(0, 300)}</p>}
              </div>
              <button
                type="button"
                disabled={state.running}
                onClick={() => {
                  setInput(r.input);
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
