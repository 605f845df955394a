import { lazy, Suspense, useState } from 'react';
import { useEstimateCostQuery, useSessionContextQuery } from '../api.ts';
import { useApplyPatch } from '../hooks/use-apply-patch.ts';
import { useDebounced } from '../hooks/use-debounced.ts';
import type { Session } from '../types.ts';
import { Loading, ProblemMessage } from './ProblemMessage.tsx';

const CostChart = lazy(() => import('./CostChart.tsx'));
const usd = (n: number) =>
  `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The monthly cost of the agent as selected now: breakdown, projections, free tier, and advice to apply. */
export function CostEstimator({ session }: { session: Session }) {
  const context = useSessionContextQuery(session.id);
  const [apply, applying] = useApplyPatch(session);
  const answered =
    context.data?.spec.usage?.requestsPerMonth ?? Number(session.answers.REQUIREMENTS?.requestsPerMonth ?? 0);
  const [edited, setRequests] = useState<string>();
  const requests = edited ?? String(answered > 0 ? answered : 10_000);
  const [inputTokens, setInputTokens] = useState('800');
  const [outputTokens, setOutputTokens] = useState('200');
  const volume = useDebounced({ requests, inputTokens, outputTokens }, 300);
  const spec = context.data?.spec;
  const usage = {
    requestsPerMonth: Math.max(0, Number(volume.requests) || 0),
    avgInputTokens: Math.max(0, Number(volume.inputTokens) || 0),
    avgOutputTokens: Math.max(0, Number(volume.outputTokens) || 0),
  };
  const estimate = useEstimateCostQuery(
    {
      model: spec?.model ?? '',
      deployment: spec?.deployment ?? { target: 'agentcore' },
      usage,
      tools: spec?.tools ?? [],
      ...(spec?.budget ? { budget: spec.budget } : {}),
    },
    { skip: !spec?.model },
  );

  if (context.isLoading) return <Loading label="Reading the agent" />;
  if (context.error) return <ProblemMessage error={context.error} onRetry={() => context.refetch()} />;
  if (!spec?.model) return <p className="empty">Choose a model first: the cost depends on it.</p>;

  return (
    <div className="stack">
      <fieldset className="filters">
        <legend>Expected volume</legend>
        <label>
          Requests per month
          <input inputMode="numeric" value={requests} onChange={(e) => setRequests(e.target.value)} />
        </label>
        <label>
          Input tokens per request
          <input inputMode="numeric" value={inputTokens} onChange={(e) => setInputTokens(e.target.value)} />
        </label>
        <label>
          Output tokens per request
          <input inputMode="numeric" value={outputTokens} onChange={(e) => setOutputTokens(e.target.value)} />
        </label>
      </fieldset>
      {estimate.isFetching && <Loading label="Estimating" />}
      <ProblemMessage error={estimate.error} />
      {estimate.data && (
        <>
          <div className="totals">
            <div className="total card">
              <span className="muted">Monthly</span>
              <strong data-testid="monthly-total">{usd(estimate.data.monthly.total)}</strong>
            </div>
            <div className="card">
              <span className="muted">Annual</span>
              <strong>{usd(estimate.data.annual)}</strong>
            </div>
            <div className="card">
              <span className="muted">Free tier saves</span>
              <strong>{usd(estimate.data.freeTierSavings)}/month</strong>
            </div>
            <div className="card">
              <span className="muted">Model · compute · other</span>
              <strong>
                {usd(estimate.data.monthly.model)} · {usd(estimate.data.monthly.compute)} ·{' '}
                {usd(estimate.data.monthly.storageOther)}
              </strong>
            </div>
          </div>
          {estimate.data.budget && (
            <p
              className={`budget ${estimate.data.budget.overBudget ? 'warning error' : 'ok'}`}
              role={estimate.data.budget.overBudget ? 'alert' : 'status'}
            >
              {estimate.data.budget.overBudget
                ? `Over your ${usd(estimate.data.budget.monthlyUsd)}/month budget by ${usd(estimate.data.budget.gapUsd)}.${
                    estimate.data.budget.toMeetBudget.length > 0
                      ? ` Applying ${estimate.data.budget.toMeetBudget
                          .map((id) => estimate.data?.optimizations.find((o) => o.id === id)?.title ?? id)
                          .join(' and ')} brings it under.`
                      : ' No optimisation below brings it under: a cheaper model or a smaller volume would.'
                  }`
                : `Within your ${usd(estimate.data.budget.monthlyUsd)}/month budget.`}
            </p>
          )}
          <section className="card" aria-labelledby="breakdown-heading">
            <h2 id="breakdown-heading">
              By service ({spec.model}, {estimate.data.target})
            </h2>
            <Suspense fallback={<Loading label="Drawing the chart" />}>
              <CostChart items={estimate.data.lineItems} />
            </Suspense>
            <details>
              <summary>Line items and assumptions</summary>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Service</th>
                    <th scope="col">What</th>
                    <th scope="col">$/month</th>
                  </tr>
                </thead>
                <tbody>
                  {estimate.data.lineItems.map((item) => (
                    <tr key={`${item.service}:${item.what}`}>
                      <td>{item.service}</td>
                      <td>{item.what}</td>
                      <td>{usd(item.costUsd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <ul>
                {estimate.data.assumptions.map((a) => (
                  <li key={a}>{a}</li>
                ))}
              </ul>
            </details>
          </section>
          <section className="card" aria-labelledby="advice-heading">
            <h2 id="advice-heading">How to spend less</h2>
            {estimate.data.optimizations.length === 0 && (
              <p className="empty">Nothing to suggest: this is already lean.</p>
            )}
            <ol className="advice">
              {estimate.data.optimizations.map((o) => (
                <li key={o.id}>
                  <div>
                    <strong>{o.title}</strong>: save {usd(o.savingUsd)}/month
                    <p className="muted">{o.tradeoff}</p>
                  </div>
                  {o.patch && (
                    <button
                      type="button"
                      disabled={applying.isLoading}
                      onClick={() => o.patch && apply(o.patch)}
                    >
                      Apply
                    </button>
                  )}
                </li>
              ))}
            </ol>
            <ProblemMessage error={applying.error} />
          </section>
        </>
      )}
    </div>
  );
}
