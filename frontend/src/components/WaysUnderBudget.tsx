import { useEstimateCostQuery } from '../api.ts';
import { estimateBody, usd, type useSessionCosts } from '../hooks/use-session-costs.ts';

type Costs = ReturnType<typeof useSessionCosts>;

/**
 * For a compared model over the agent's budget: by how much, and each single change that brings the
 * whole agent under it (fewer requests, shorter answers, a cheaper model), as the cost estimate of
 * the platform works them out for the session's workload with that model. Nothing when within it.
 */
export function WaysUnderBudget({
  spec,
  workload,
  model,
}: {
  spec: Costs['spec'];
  workload: Costs['workload'];
  model: { id: string; name: string };
}) {
  const estimate = useEstimateCostQuery(estimateBody(spec ? { ...spec, model: model.id } : spec, workload), {
    skip: !spec?.budget,
  });
  const budget = estimate.currentData?.budget;
  if (!budget?.overBudget) return null;
  return (
    <li data-testid="ways-under">
      <strong>{model.name}</strong> is over your {usd(budget.monthlyUsd)} budget by {usd(budget.gapUsd)}
      {budget.waysUnder.length > 0 ? (
        <>
          . Under it with:
          <ul>
            {budget.waysUnder.map((way) => (
              <li key={way.kind}>{way.text}</li>
            ))}
          </ul>
        </>
      ) : (
        '; no single change of volume, answer length or model brings it under.'
      )}
    </li>
  );
}
