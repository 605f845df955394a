import { lazy, Suspense, useEffect, useState } from 'react';
import { useBuildProjectMutation } from '../api.ts';
import {
  type EvaluationRun,
  useCheckSuiteQuery,
  useEvaluationRunQuery,
  useRunEvaluationMutation,
  useSaveSuiteMutation,
  useSessionSuiteQuery,
  useStarterSuiteQuery,
} from '../evaluations-api.ts';
import { useDebounced } from '../hooks/use-debounced.ts';
import type { Build, Session } from '../types.ts';
import { Loading, ProblemMessage } from './ProblemMessage.tsx';

const SuiteEditor = lazy(() => import('./SuiteEditor.tsx'));

/** The same key the test runner keeps a generation's READY build under. */
const buildKey = (generationId: string) => `agent-builder-build:${generationId}`;
type Result = NonNullable<EvaluationRun['result']>;
type CaseResult = Result['cases'][number];

const ms = (n: number) => `${Math.round(n).toLocaleString('en-US')} ms`;
const usd = (n: number | undefined) => (n === undefined ? '–' : `$${n.toFixed(6)}`);
const pct = (r: number) => `${Math.round(r * 1000) / 10}%`;
const MARK = { passed: '✓', failed: '✗', skipped: '–' } as const;

/** Evaluations: edit the agent's suite (checked as you type), run it on the build, read the results. */
export default function EvaluationsPanel({ session }: { session: Session }) {
  const generationId = session.generationIds.at(-1);
  const [build, setBuild] = useState<Build | undefined>(() => {
    const saved = generationId ? localStorage.getItem(buildKey(generationId)) : null;
    return saved ? (JSON.parse(saved) as Build) : undefined;
  });
  const [buildProject, building] = useBuildProjectMutation();
  const stored = useSessionSuiteQuery(session.id);
  const starter = useStarterSuiteQuery(
    { generationId: generationId ?? '' },
    { skip: !generationId || !stored.isError },
  );
  const [yaml, setYaml] = useState<string | undefined>();
  useEffect(() => {
    if (yaml === undefined) {
      const loaded = stored.data?.yaml ?? starter.data?.yaml;
      if (loaded) setYaml(loaded);
    }
  }, [stored.data, starter.data, yaml]);
  const settled = useDebounced(yaml ?? '', 400);
  const check = useCheckSuiteQuery({ yaml: settled }, { skip: !settled });
  const [save, saving] = useSaveSuiteMutation();
  const [start, starting] = useRunEvaluationMutation();
  const [runId, setRunId] = useState<string | undefined>();
  const [polling, setPolling] = useState(0);
  const run = useEvaluationRunQuery(runId ?? '', { skip: !runId, pollingInterval: polling });
  useEffect(() => setPolling(run.data?.status === 'RUNNING' ? 1_000 : 0), [run.data?.status]);

  if (!generationId) return <p className="empty">Generate the project first; then evaluate it here.</p>;

  const doBuild = async () => {
    const result = await buildProject({ generationId });
    if ('data' in result && result.data) {
      setBuild(result.data);
      if (result.data.status === 'READY')
        localStorage.setItem(buildKey(generationId), JSON.stringify(result.data));
    }
  };
  const doRun = async () => {
    if (!build || !yaml) return;
    const result = await start({ buildId: build.id, yaml });
    if ('data' in result && result.data) {
      setRunId(result.data.id);
      setPolling(result.data.status === 'RUNNING' ? 1_000 : 0);
    }
  };
  const current = run.data;

  return (
    <div className="stack evaluations">
      <section className="card stack" aria-labelledby="suite-heading">
        <h2 id="suite-heading">Evaluation suite</h2>
        <p>
          Cases sent to the agent, with assertions on the answer, the tools it calls, tokens, cost and
          latency. Judge assertions are graded by a real model only; on the offline model they are skipped.
        </p>
        {yaml === undefined ? (
          stored.isLoading || starter.isLoading ? (
            <Loading label="Loading the suite" />
          ) : (
            <ProblemMessage error={starter.error} />
          )
        ) : (
          <Suspense fallback={<Loading label="Loading the editor" />}>
            <SuiteEditor value={yaml} onChange={setYaml} />
          </Suspense>
        )}
        {check.data && !check.isError && settled === yaml && (
          <p role="status" className="suite-check">
            Valid: {check.data.cases} cases, {check.data.assertions} assertions
            {check.data.judged > 0 ? ` (${check.data.judged} judged by a model)` : ''}.
          </p>
        )}
        <ProblemMessage error={check.error} />
        <div className="row">
          <button
            type="button"
            disabled={!yaml || check.isError || saving.isLoading}
            onClick={() => yaml && save({ id: session.id, yaml })}
          >
            {saving.isLoading ? 'Saving…' : 'Save the suite'}
          </button>
          {saving.isSuccess && <span role="status">Saved.</span>}
        </div>
        <ProblemMessage error={saving.error} />
      </section>

      <section className="card stack" aria-labelledby="evaluate-heading">
        <h2 id="evaluate-heading">Run</h2>
        {build?.status !== 'READY' ? (
          <div className="stack">
            <p>Build the project first: every case runs on the build in the sandbox.</p>
            <div>
              <button type="button" className="primary" onClick={doBuild} disabled={building.isLoading}>
                {building.isLoading
                  ? 'Building… (the first build installs dependencies)'
                  : 'Build the project'}
              </button>
            </div>
            {build?.status === 'FAILED' && <pre className="log">{build.reason}</pre>}
            <ProblemMessage error={building.error} />
          </div>
        ) : (
          <div>
            <button
              type="button"
              className="primary"
              onClick={doRun}
              disabled={!yaml || check.isError || starting.isLoading || current?.status === 'RUNNING'}
            >
              {starting.isLoading || current?.status === 'RUNNING' ? 'Evaluating…' : 'Run the suite'}
            </button>
          </div>
        )}
        <ProblemMessage error={starting.error ?? run.error} />
        {current?.status === 'RUNNING' && (
          <p role="status">
            Running: {current.progress.done} of {current.progress.total} case runs done.
          </p>
        )}
        {current?.status === 'FAILED' && (
          <div className="problem" role="alert">
            <strong>The evaluation stopped</strong>
            <p>{current.reason}</p>
          </div>
        )}
        {current?.result && <Results run={current} result={current.result} />}
      </section>
    </div>
  );
}

function Results({ run, result }: { run: EvaluationRun; result: Result }) {
  const s = result.summary;
  const changes = new Map((run.comparison?.cases ?? []).map((c) => [c.caseId, c]));
  return (
    <div className="stack">
      <p
        role="status"
        className={run.status === 'RUNNING' ? 'verdict' : `verdict ${s.verdict}`}
        data-testid={run.status === 'RUNNING' ? 'evaluation-so-far' : 'evaluation-verdict'}
      >
        {run.status === 'RUNNING' ? 'So far' : s.verdict === 'passed' ? 'Passed' : 'Failed'}:{' '}
        {pct(s.passRate)} of {s.caseRuns} case runs (threshold {pct(s.threshold)}) on the{' '}
        {result.model?.label ?? 'agent'}. Latency p50 {ms(s.p50LatencyMs)}, p95 {ms(s.p95LatencyMs)};{' '}
        {s.totalTokens.toLocaleString('en-US')} tokens
        {s.totalCostUsd !== undefined
          ? `, ${usd(s.totalCostUsd)}${s.costHypothetical ? " at the agent model's price" : ''}`
          : ''}
        .
      </p>
      {run.comparison && (
        <p data-testid="evaluation-comparison">
          Since the previous run: {run.comparison.fixed} fixed, {run.comparison.regressed} regressed,{' '}
          {run.comparison.moved} with cost or latency moved beyond {pct(run.comparison.threshold)}.
        </p>
      )}
      <div className="table-scroll">
        <table className="results" aria-label="Evaluation results">
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col">Result</th>
              <th scope="col">Assertions</th>
              <th scope="col">Latency</th>
              <th scope="col">Tokens</th>
              <th scope="col">Cost</th>
              {run.comparison && <th scope="col">Change</th>}
            </tr>
          </thead>
          <tbody>
            {result.cases.flatMap((c) =>
              c.runs.map((r) => (
                <tr key={`${c.id}-${r.repetition}`} className={r.status}>
                  <th scope="row">
                    {c.id}
                    {c.runs.length > 1 ? ` #${r.repetition + 1}` : ''}
                  </th>
                  <td>{r.status === 'passed' ? 'pass' : 'fail'}</td>
                  <td>
                    <ul className="assertions">
                      {r.failure && <li className="failed">{r.failure}</li>}
                      {r.assertions.map((a, i) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: assertions have no id; their order is fixed
                        <li key={i} className={a.status}>
                          <span aria-hidden="true">{MARK[a.status]}</span>{' '}
                          <span className="sr-only">{a.status}</span> <code>{a.type}</code> {a.reason}
                        </li>
                      ))}
                    </ul>
                    <details>
                      <summary>Answer</summary>
                      <pre className="log">{r.answer}</pre>
                    </details>
                  </td>
                  <td>{ms(r.latencyMs)}</td>
                  <td>{r.inputTokens + r.outputTokens}</td>
                  <td>{usd(r.costUsd)}</td>
                  {run.comparison && (
                    <td>
                      {changes.get(c.id)?.outcome ?? ''}
                      {changes.get(c.id)?.moved.length ? ` (${changes.get(c.id)?.moved.join(', ')})` : ''}
                    </td>
                  )}
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
      <CaseChart cases={result.cases} />
    </div>
  );
}

/** Latency and cost per case (mean over its runs) as paired horizontal bars. */
function CaseChart({ cases }: { cases: CaseResult[] }) {
  const rows = cases.map((c) => ({
    id: c.id,
    latency: c.runs.reduce((n, r) => n + r.latencyMs, 0) / Math.max(1, c.runs.length),
    cost: c.runs.reduce((n, r) => n + (r.costUsd ?? 0), 0) / Math.max(1, c.runs.length),
  }));
  const maxLatency = Math.max(...rows.map((r) => r.latency), 1);
  const maxCost = Math.max(...rows.map((r) => r.cost), 0.000001);
  const rowHeight = 40;
  return (
    <figure className="cost-chart">
      <svg
        role="img"
        aria-label={`Latency and cost per case: ${rows.map((r) => `${r.id} ${ms(r.latency)} ${usd(r.cost)}`).join(', ')}`}
        viewBox={`0 0 640 ${rows.length * rowHeight + 8}`}
        width="100%"
      >
        {rows.map((r, i) => (
          <g key={r.id} transform={`translate(0, ${i * rowHeight + 4})`}>
            <text x={0} y={20} className="chart-label">
              {r.id.length > 28 ? `${r.id.slice(0, 27)}…` : r.id}
            </text>
            <rect
              x={220}
              y={2}
              height={14}
              rx={3}
              width={Math.max(2, (r.latency / maxLatency) * 280)}
              className="chart-bar"
            />
            <text x={228 + Math.max(2, (r.latency / maxLatency) * 280)} y={14} className="chart-value">
              {ms(r.latency)}
            </text>
            <rect
              x={220}
              y={20}
              height={14}
              rx={3}
              width={Math.max(2, (r.cost / maxCost) * 280)}
              className="chart-bar cost"
            />
            <text x={228 + Math.max(2, (r.cost / maxCost) * 280)} y={32} className="chart-value">
              {usd(r.cost)}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>Per case: latency (upper bar) and cost (lower bar).</figcaption>
    </figure>
  );
}
