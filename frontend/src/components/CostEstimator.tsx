import { lazy, Suspense, useState } from 'react';
import { useEstimateCostQuery } from '../api.ts';
import { useApplyPatch } from '../hooks/use-apply-patch.ts';
import { useAutosave } from '../hooks/use-autosave.ts';
import { useDebounced } from '../hooks/use-debounced.ts';
import { estimateBody, usd, useSessionCosts, type Workload } from '../hooks/use-session-costs.ts';
import type { Session } from '../types.ts';
import { NumberField } from './NumberField.tsx';
import { Loading, ProblemMessage } from './ProblemMessage.tsx';

/** The workload's fields as the builder edits them, with their bounds (the AgentSpec's `usage`). */
const WORKLOAD_FIELDS = [
  ['requestsPerMonth', 'Requests per month', 1e9],
  ['avgInputTokens', 'Input tokens per request', 10_000_000],
  ['avgOutputTokens', 'Output tokens per request', 10_000_000],
] as const;

const CostChart = lazy(() => import('./CostChart.tsx'));

/** The monthly cost of the agent as selected now: breakdown, projections, free tier, and advice to apply. */
export function CostEstimator({ session }: { session: Session }) {
  // The session's one workload: what Requirements set, edited here, saved to the session.
  const { context, spec, workload } = useSessionCosts(session);
  const [apply, applying] = useApplyPatch(session);
  const { save, state: saving } = useAutosave(session);
  const [edits, setEdits] = useState<Partial<Workload>>({});
  // Only the builder's typing is debounced: the saved workload is estimated at once.
  const typed = useDebounced({ ...workload, ...edits }, 300);
  const usage = Object.keys(edits).length > 0 ? typed : workload;
  const saveUsage = (field: (typeof WORKLOAD_FIELDS)[number][0]) => (value: number | undefined) => {
    if (value === undefined) return;
    setEdits((e) => ({ ...e, [field]: value }));
    save({ selections: { usage: { [field]: value } } });
  };
  const estimate = useEstimateCostQuery(estimateBody(spec, usage), { skip: !spec?.model });

  if (context.isLoading) return <Loading label="Reading the agent" />;
  if (context.error) return <ProblemMessage error={context.error} onRetry={() => context.refetch()} />;
  if (!spec?.model) return <p className="empty">Choose a model first: the cost depends on it.</p>;

  return (
    <div className="stack">
      <fieldset className="filters">
        <legend>The workload (saved with the agent)</legend>
        {WORKLOAD_FIELDS.map(([field, label, max]) => (
          <NumberField
            key={field}
            label={label}
            integer
            min={1}
            max={max}
            value={edits[field] ?? workload[field]}
            onValue={saveUsage(field)}
          />
        ))}
      </fieldset>
      <ProblemMessage error={saving.error} />
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
                      : estimate.data.budget.waysUnder.length > 0
                        ? ` Under it with ${estimate.data.budget.waysUnder.map((w) => w.text).join('; or ')}.`
                        : ' No single optimisation, volume, answer length or model brings it under.'
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
