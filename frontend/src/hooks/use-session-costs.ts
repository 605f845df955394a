import { useEstimateCostQuery, useSessionContextQuery } from '../api.ts';
import type { Session } from '../types.ts';

/** The volume every price assumes until the builder gives one (the platform's own default workload). */
export const DEFAULT_WORKLOAD = { requestsPerMonth: 10_000, avgInputTokens: 1_000, avgOutputTokens: 300 };

export type Workload = typeof DEFAULT_WORKLOAD & { avgDurationSeconds?: number };

/** What every cost view of a session prices: its one workload, on its spec. */
export function estimateBody(
  spec: NonNullable<ReturnType<typeof useSessionContextQuery>['data']>['spec'] | undefined,
  usage: Workload,
) {
  return {
    model: spec?.model ?? '',
    deployment: spec?.deployment ?? { target: 'agentcore' as const },
    usage,
    tools: spec?.tools ?? [],
    ...(spec?.budget ? { budget: spec.budget } : {}),
  };
}

/**
 * The session's one workload (set in Requirements, edited in the cost tab, saved as `usage`) and the
 * monthly cost of everything but the model for it: recommendations and compare add it to each
 * model's token cost, so each shows the same total the cost tab does.
 */
export function useSessionCosts(session: Session) {
  const context = useSessionContextQuery(session.id);
  const spec = context.data?.spec;
  const workload: Workload = {
    requestsPerMonth: spec?.usage?.requestsPerMonth ?? DEFAULT_WORKLOAD.requestsPerMonth,
    avgInputTokens: spec?.usage?.avgInputTokens ?? DEFAULT_WORKLOAD.avgInputTokens,
    avgOutputTokens: spec?.usage?.avgOutputTokens ?? DEFAULT_WORKLOAD.avgOutputTokens,
    ...(spec?.usage?.avgDurationSeconds !== undefined
      ? { avgDurationSeconds: spec.usage.avgDurationSeconds }
      : {}),
  };
  const estimate = useEstimateCostQuery(estimateBody(spec, workload), { skip: !spec?.model });
  const monthly = estimate.data?.monthly;
  return {
    context,
    spec,
    workload,
    estimate,
    /** Compute and everything else but the model, USD per month, for the session's target and workload. */
    // The estimate's total less its model part (exact to the micro-dollar): model + this = its total.
    otherUsd: monthly ? monthly.total - monthly.model : undefined,
    budgetUsd: spec?.budget?.monthlyUsd,
    target: spec?.deployment?.target,
  };
}

export const usd = (n: number) =>
  `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
