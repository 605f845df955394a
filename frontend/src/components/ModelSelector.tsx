import { useMemo, useState } from 'react';
import {
  useCompareModelsQuery,
  useListModelsQuery,
  useRecommendModelsQuery,
  useUpdateSessionMutation,
} from '../api.ts';
import { useDebounced } from '../hooks/use-debounced.ts';
import { usd, useSessionCosts } from '../hooks/use-session-costs.ts';
import { clearCompare, setModelView, toggleCompare, useAppDispatch, useAppSelector } from '../store.ts';
import { CAPABILITIES, type Capability, type Model, type Session } from '../types.ts';
import { LifecycleBadge, ModelList } from './ModelList.tsx';
import { Loading, ProblemMessage } from './ProblemMessage.tsx';
import { WaysUnderBudget } from './WaysUnderBudget.tsx';

export interface ModelFilters {
  search: string;
  provider: string;
  capabilities: Capability[];
  maxInputPrice: string;
  /** Retired models no longer answer; they are listed only when asked for. */
  showRetired?: boolean;
}

/** The registry's models that match the builder's filters (case-insensitive search over name, id, vendor). */
export function filterModels(models: Model[], f: ModelFilters): Model[] {
  const words = f.search.toLowerCase().split(/\s+/).filter(Boolean);
  const max = f.maxInputPrice === '' ? Number.POSITIVE_INFINITY : Number(f.maxInputPrice);
  return models.filter(
    (m) =>
      (!f.provider || m.provider === f.provider) &&
      f.capabilities.every((c) => m.capabilities.includes(c)) &&
      m.pricing.inputPerMTok <= max &&
      (f.showRetired || m.lifecycle.status !== 'retired') &&
      words.every((w) => `${m.name} ${m.id} ${m.vendor} ${m.family}`.toLowerCase().includes(w)),
  );
}

/** The AgentSpec's default Region (lambdas/agent-spec/schema.ts), where a spec that names none deploys. */
const DEFAULT_REGION = 'us-east-1';

/** Model selection: recommendations for the use case, the filtered registry, comparison of up to 5. */
export function ModelSelector({ session }: { session: Session }) {
  const dispatch = useAppDispatch();
  const { modelView, compare } = useAppSelector((s) => s.ui);
  const models = useListModelsQuery({});
  const useCase = String(session.answers.REQUIREMENTS?.useCase ?? session.title);
  const tools = session.selections.tools ?? [];
  // The session's one workload, priced on every model, plus what the rest of the agent costs for it.
  const { spec, workload, otherUsd, budgetUsd, target } = useSessionCosts(session);
  // Only models the agent's Region offers: the chosen one, else the AgentSpec's default (us-east-1),
  // the Region generation will validate the model against.
  const region = session.selections.deployment?.region ?? spec?.deployment?.region ?? DEFAULT_REGION;
  // The budget covers the whole agent: what is left of it after compute and the rest is the model's.
  const modelBudget = budgetUsd !== undefined && otherUsd !== undefined ? budgetUsd - otherUsd : undefined;
  // Ranked once the session's spec is read, so the list is never for another workload or Region;
  // `currentData` below never shows the answer to an earlier question.
  const recommendations = useRecommendModelsQuery(
    {
      useCase,
      requests: workload.requestsPerMonth,
      inputTokens: workload.avgInputTokens,
      outputTokens: workload.avgOutputTokens,
      ...(modelBudget !== undefined && modelBudget > 0 ? { budget: modelBudget } : {}),
      ...(tools.length > 0 ? { tools: tools.join(',') } : {}),
      ...(region ? { region } : {}),
    },
    { skip: !spec },
  );
  const withRest = (modelUsd: number) => (otherUsd === undefined ? undefined : modelUsd + otherUsd);
  const [update, saving] = useUpdateSessionMutation();
  const [filters, setFilters] = useState<ModelFilters>({
    search: '',
    provider: '',
    capabilities: [],
    maxInputPrice: '',
    showRetired: false,
  });
  const search = useDebounced(filters.search, 200);
  const shown = useMemo(
    () => filterModels(models.data ?? [], { ...filters, search }),
    [models.data, filters, search],
  );
  const comparison = useCompareModelsQuery(
    {
      ids: compare,
      workload: {
        requestsPerMonth: workload.requestsPerMonth,
        avgInputTokens: workload.avgInputTokens,
        avgOutputTokens: workload.avgOutputTokens,
      },
    },
    { skip: compare.length < 2 },
  );
  const selected = session.selections.model;

  const select = (model: string) =>
    update({ id: session.id, version: session.version, selections: { model } });

  return (
    <div className="stack">
      <p>
        Selected model: <strong>{selected ?? 'none yet (the recommendation is used)'}</strong>
        {saving.isLoading && <span className="muted"> saving…</span>}
      </p>
      <ProblemMessage error={saving.error} />
      <section className="card" aria-labelledby="recommended-heading">
        <h2 id="recommended-heading">Recommended for “{useCase.slice(0, 80)}”</h2>
        {!recommendations.currentData && !recommendations.error && <Loading label="Ranking models" />}
        {recommendations.error && (
          <ProblemMessage error={recommendations.error} onRetry={() => recommendations.refetch()} />
        )}
        {otherUsd !== undefined && (
          <p className="muted">
            Priced for this agent’s workload ({workload.requestsPerMonth.toLocaleString('en-US')}{' '}
            requests/month, {workload.avgInputTokens.toLocaleString('en-US')} input +{' '}
            {workload.avgOutputTokens.toLocaleString('en-US')} output tokens each); totals add {usd(otherUsd)}
            /month of compute and other services on {target}.
          </p>
        )}
        {modelBudget !== undefined &&
          modelBudget <= 0 &&
          budgetUsd !== undefined &&
          otherUsd !== undefined && (
            <p className="budget warning error" role="alert">
              Compute and other services alone cost {usd(otherUsd)}/month, over your {usd(budgetUsd)} budget
              by {usd(otherUsd - budgetUsd)}: a smaller volume or another deployment target brings it under.
            </p>
          )}
        {(() => {
          // Over budget: say which choice brings it under (the best-ranked model within it).
          const list = recommendations.currentData?.recommendations ?? [];
          const within = list.find((r) => r.withinBudget === true);
          const chosen = list.find((r) => r.model.id === selected);
          if (budgetUsd === undefined || !within || !list.some((r) => r.withinBudget === false)) return null;
          const total = withRest(within.monthlyCostUsd);
          return (
            <p className={chosen?.withinBudget === false ? 'budget warning' : 'muted'}>
              {chosen?.withinBudget === false
                ? `${chosen.model.name} is over your ${usd(budgetUsd)} budget. `
                : ''}
              {within.model.name} fits it
              {total !== undefined ? ` at ${usd(total)}/month in total` : ''}: choose it to stay under.
            </p>
          );
        })()}
        {recommendations.currentData && recommendations.currentData.recommendations.length === 0 && (
          <p className="empty">No model fits; loosen the budget or capabilities.</p>
        )}
        <ol className="recommendations">
          {recommendations.currentData?.recommendations.map((r) => (
            <li key={r.model.id}>
              <div>
                <strong>{r.model.name}</strong> <span className="score">{r.score}/100</span>{' '}
                <LifecycleBadge model={r.model} />
                <MonthlyCost modelUsd={r.monthlyCostUsd} totalUsd={withRest(r.monthlyCostUsd)} />
                {r.withinBudget === false && budgetUsd !== undefined && (
                  <span className="badge over-budget">
                    over budget by {usd((withRest(r.monthlyCostUsd) ?? r.monthlyCostUsd) - budgetUsd)}
                  </span>
                )}
                <ul className="reasons">
                  {r.reasons.map((reason) => (
                    <li key={reason}>{reason}</li>
                  ))}
                </ul>
              </div>
              <button type="button" onClick={() => select(r.model.id)} disabled={selected === r.model.id}>
                {selected === r.model.id ? 'Selected' : 'Use this'}
              </button>
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="all-models-heading" className="stack">
        <h2 id="all-models-heading">All models</h2>
        <fieldset className="filters">
          <legend className="sr-only">Filters</legend>
          <label>
            Search
            <input
              type="search"
              value={filters.search}
              onChange={(e) => setFilters((f) => ({ ...f, search: e.target.value }))}
              placeholder="claude, nova, llama…"
            />
          </label>
          <label>
            Provider
            <select
              value={filters.provider}
              onChange={(e) => setFilters((f) => ({ ...f, provider: e.target.value }))}
            >
              <option value="">Any</option>
              <option value="bedrock">Amazon Bedrock</option>
              <option value="ollama">Ollama</option>
              <option value="openai">OpenAI</option>
              <option value="anthropic">Anthropic</option>
            </select>
          </label>
          <label>
            Max input $/1M tokens
            <input
              inputMode="decimal"
              value={filters.maxInputPrice}
              onChange={(e) => setFilters((f) => ({ ...f, maxInputPrice: e.target.value }))}
              placeholder="any"
            />
          </label>
          <fieldset className="caps-filter">
            <legend className="sr-only">Capabilities</legend>
            {CAPABILITIES.map((c) => (
              <label key={c} className="inline">
                <input
                  type="checkbox"
                  checked={filters.capabilities.includes(c)}
                  onChange={() =>
                    setFilters((f) => ({
                      ...f,
                      capabilities: f.capabilities.includes(c)
                        ? f.capabilities.filter((x) => x !== c)
                        : [...f.capabilities, c],
                    }))
                  }
                />
                {c}
              </label>
            ))}
          </fieldset>
          <label className="inline">
            <input
              type="checkbox"
              checked={filters.showRetired ?? false}
              onChange={() => setFilters((f) => ({ ...f, showRetired: !f.showRetired }))}
            />
            Show retired models
          </label>
          <fieldset className="view-toggle">
            <legend className="sr-only">View</legend>
            <button
              type="button"
              aria-pressed={modelView === 'grid'}
              onClick={() => dispatch(setModelView('grid'))}
            >
              Grid
            </button>
            <button
              type="button"
              aria-pressed={modelView === 'list'}
              onClick={() => dispatch(setModelView('list'))}
            >
              List
            </button>
          </fieldset>
        </fieldset>
        {models.isLoading && <Loading label="Loading models" />}
        {models.error && <ProblemMessage error={models.error} onRetry={() => models.refetch()} />}
        {models.data && (
          <p className="muted" aria-live="polite">
            {shown.length} of {models.data.length} models
          </p>
        )}
        {models.data && shown.length === 0 && <p className="empty">No model matches these filters.</p>}
        {shown.length > 0 && (
          <ModelList
            models={shown}
            view={modelView}
            selected={selected}
            compare={compare}
            onSelect={select}
            onToggleCompare={(id) => dispatch(toggleCompare(id))}
          />
        )}
      </section>
      {compare.length > 0 && (
        <section className="card" aria-labelledby="compare-heading">
          <div className="row spread">
            <h2 id="compare-heading">Compare ({compare.length}/5)</h2>
            <button type="button" onClick={() => dispatch(clearCompare())}>
              Clear
            </button>
          </div>
          {compare.length < 2 && <p className="empty">Pick at least one more model to compare.</p>}
          {comparison.isFetching && <Loading label="Comparing" />}
          {comparison.error && <ProblemMessage error={comparison.error} />}
          {comparison.data && compare.length >= 2 && (
            <div className="table-wrap">
              <table>
                <caption>{comparison.data.workloadDescription}</caption>
                <thead>
                  <tr>
                    <th scope="col">Model</th>
                    <th scope="col">In $/1M</th>
                    <th scope="col">Out $/1M</th>
                    <th scope="col">Context</th>
                    <th scope="col">Model $/month</th>
                    <th scope="col">Total $/month</th>
                    {Object.keys(comparison.data.models[0]?.capabilities ?? {}).map((c) => (
                      <th scope="col" key={c}>
                        {c}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {comparison.data.models.map((m) => (
                    <tr key={m.id} className={m.id === comparison.data?.cheapest ? 'best' : ''}>
                      <th scope="row">{m.name}</th>
                      <td>{m.pricing.inputPerMTok}</td>
                      <td>{m.pricing.outputPerMTok}</td>
                      <td>{m.contextWindow.toLocaleString()}</td>
                      <td>{m.monthlyCost ? usd(m.monthlyCost.totalUsd) : '—'}</td>
                      <td data-testid="compare-total">
                        {m.monthlyCost && otherUsd !== undefined
                          ? usd(m.monthlyCost.totalUsd + otherUsd)
                          : '—'}
                      </td>
                      {Object.values(m.capabilities).map((has, i) => (
                        <td key={Object.keys(m.capabilities)[i]}>{has ? '✓' : '—'}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {comparison.data && compare.length >= 2 && budgetUsd !== undefined && (
            <ul className="ways-under" aria-label="Over budget">
              {comparison.data.models.map((m) => (
                <WaysUnderBudget key={m.id} spec={spec} workload={workload} model={m} />
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}

/** A model's monthly cost for the workload, and the agent's total with it (model + compute + other). */
function MonthlyCost({ modelUsd, totalUsd }: { modelUsd: number; totalUsd: number | undefined }) {
  return (
    <span className="muted">
      {' '}
      · model {usd(modelUsd)}/month
      {totalUsd !== undefined && (
        <>
          {' '}
          · total <strong data-testid="recommendation-total">{usd(totalUsd)}</strong>/month
        </>
      )}
    </span>
  );
}
