import type { z } from 'zod';
import type { DeploymentTarget } from '../agent-spec/schema.ts';
import { formatUsd, type MicroUsd, tokenCost, toUsd } from '../core/money.ts';
import { availableInRegion } from '../models/registry.ts';
import type { Capability, Tier } from '../models/schema.ts';
import {
  type CostContext,
  type CostEstimate,
  type CostInput,
  computeEstimate,
  type Optimization,
  parseCostInput,
  present,
  type RawEstimate,
  sumBy,
} from './estimate.ts';

const TIER_RANK: Record<Tier, number> = { small: 0, medium: 1, large: 2, frontier: 3 };

/**
 * The monthly cost of an AgentSpec (or its cost fields): every line item, totals, the free tier,
 * stated assumptions, and ranked advice on making it cheaper — each with its saving and trade-off.
 */
export function estimateCost(input: z.input<typeof CostInput>, ctx: CostContext): CostEstimate {
  const parsed = parseCostInput(input);
  const raw = computeEstimate(parsed, ctx);
  const optimizations = advise(raw, ctx);
  const estimate: CostEstimate = { ...present(raw), optimizations };
  if (parsed.budget) {
    const check = budgetCheck(sumBy(raw.items), parsed.budget.monthlyUsd, optimizations);
    estimate.budget = {
      ...check,
      waysUnder: check.overBudget ? waysUnder(raw, ctx, parsed.budget.monthlyUsd, optimizations) : [],
    };
  }
  return estimate;
}

/** The estimate again with one change; computeEstimate never writes to its input, and changes copy what they alter. */
function rerun(raw: RawEstimate, ctx: CostContext, change: (input: CostInput) => CostInput): RawEstimate {
  return computeEstimate(change(raw.input), ctx);
}

function advise(raw: RawEstimate, ctx: CostContext): Optimization[] {
  const list: Optimization[] = [];
  const total = sumBy(raw.items);
  const modelCost = sumBy(raw.items, 'model');
  const computeCost = sumBy(raw.items, 'compute');
  const { model, input, usage } = raw;
  const saving = (other: RawEstimate) => total - sumBy(other.items);

  // A cheaper model with what this agent needs.
  const required: Capability[] = input.tools.length > 0 ? ['tool-use'] : [];
  const candidates = ctx.models
    .all()
    .filter((m) => m.id !== model.id && m.provider === model.provider && m.lifecycle.status !== 'retired')
    .filter((m) => required.every((c) => m.capabilities.includes(c)))
    .filter((m) => m.provider !== 'bedrock' || availableInRegion(m, input.deployment.region))
    .map((m) => ({ m, cost: sumBy(rerun(raw, ctx, (i) => ({ ...i, model: m.id })).items, 'model') }))
    .filter((c) => c.cost < modelCost)
    .sort((a, b) => (a.cost < b.cost ? -1 : a.cost > b.cost ? 1 : 0));
  const sameClass = candidates.find((c) => TIER_RANK[c.m.tier] >= TIER_RANK[model.tier]);
  const smaller = candidates.find((c) => TIER_RANK[c.m.tier] < TIER_RANK[model.tier]);
  if (sameClass) {
    list.push({
      id: 'cheaper-model',
      title: `Use ${sameClass.m.name} instead of ${model.name}`,
      savingUsd: toUsd(modelCost - sameClass.cost),
      tradeoff: `Same capability class (${sameClass.m.tier})${required.length ? ', with tool use' : ''}; answers differ by task, so evaluate it on your own prompts first.`,
      patch: { model: sameClass.m.id },
    });
  }
  if (smaller && (!sameClass || smaller.m.id !== sameClass.m.id)) {
    list.push({
      id: 'smaller-model',
      title: `Use the smaller ${smaller.m.name}`,
      savingUsd: toUsd(modelCost - smaller.cost),
      tradeoff: `A ${smaller.m.tier} model instead of a ${model.tier} one: cheaper and faster, but less capable on complex requests.`,
      patch: { model: smaller.m.id },
    });
  }

  // Prompt caching and batch inference, where the model has them.
  const inputTokens = BigInt(usage.requestsPerMonth) * BigInt(usage.avgInputTokens);
  const cacheRead = model.pricing.cacheReadPerMTok;
  if (cacheRead !== undefined && inputTokens > 0n) {
    const cached = inputTokens / 2n;
    const cachingSaving = tokenCost(cached, model.pricing.inputPerMTok) - tokenCost(cached, cacheRead);
    if (cachingSaving > 0n) {
      list.push({
        id: 'prompt-caching',
        title: 'Cache the stable part of the prompt (system prompt and tool definitions)',
        savingUsd: toUsd(cachingSaving),
        tradeoff: `Assumes half of each prompt is a repeated prefix read at ${formatUsd(BigInt(Math.round(cacheRead * 1e6)))} per 1M tokens instead of ${formatUsd(BigInt(Math.round(model.pricing.inputPerMTok * 1e6)))}; writes to the cache cost more than plain input, and the cache expires after minutes without use.`,
      });
    }
  }
  if (model.pricing.batchInputPerMTok !== undefined && model.pricing.batchOutputPerMTok !== undefined) {
    const outputTokens = BigInt(usage.requestsPerMonth) * BigInt(usage.avgOutputTokens);
    const batchCost =
      tokenCost(inputTokens, model.pricing.batchInputPerMTok) +
      tokenCost(outputTokens, model.pricing.batchOutputPerMTok);
    if (batchCost < modelCost) {
      list.push({
        id: 'batch-inference',
        title: 'Send work that can wait through batch inference',
        savingUsd: toUsd(modelCost - batchCost),
        tradeoff:
          'Batch jobs are asynchronous (results within hours, not seconds): only for offline work such as nightly triage or backfills.',
      });
    }
  }

  // Compute: ARM64, Lambda memory, and the target itself.
  const d = input.deployment;
  if (d.architecture === 'x86_64' && d.target !== 'agentcore') {
    const arm = rerun(raw, ctx, (i) => ({ ...i, deployment: { ...i.deployment, architecture: 'arm64' } }));
    if (saving(arm) > 0n) {
      list.push({
        id: 'arm64',
        title: 'Run on ARM64 (Graviton) instead of x86_64',
        savingUsd: toUsd(saving(arm)),
        tradeoff:
          'Native dependencies must have ARM64 builds; the generated Dockerfiles and packages already do.',
        patch: { deployment: { architecture: 'arm64' } },
      });
    }
  }
  if (d.target === 'lambda' && d.memoryMb > 512) {
    const smaller = rerun(raw, ctx, (i) => ({ ...i, deployment: { ...i.deployment, memoryMb: 512 } }));
    if (saving(smaller) > 0n) {
      list.push({
        id: 'lambda-memory',
        title: `Give the function 512 MB instead of ${d.memoryMb} MB`,
        savingUsd: toUsd(saving(smaller)),
        tradeoff:
          'An agent mostly waits on the model, so duration rarely grows with less memory; Lambda also gives less CPU. Measure p95 duration after the change.',
        patch: { deployment: { memoryMb: 512 } },
      });
    }
  }
  const byTarget = Object.fromEntries(
    (['lambda', 'ecs-fargate', 'agentcore'] as const).map((target) => {
      const run =
        target === d.target
          ? raw
          : rerun(raw, ctx, (i) => ({ ...i, deployment: { ...i.deployment, target } }));
      return [target, sumBy(run.items, 'compute')];
    }),
  ) as Record<DeploymentTarget, MicroUsd>;
  const crossover = lambdaFargateCrossover(raw, ctx);
  const cheapestTarget = (Object.entries(byTarget) as [DeploymentTarget, MicroUsd][]).sort(([, a], [, b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )[0];
  if (cheapestTarget && cheapestTarget[0] !== d.target && cheapestTarget[1] < computeCost) {
    list.push({
      id: 'deployment-target',
      title: `Deploy on ${cheapestTarget[0]} instead of ${d.target} at this volume`,
      savingUsd: toUsd(computeCost - cheapestTarget[1]),
      tradeoff: targetTradeoff(cheapestTarget[0]),
      patch: { deployment: { target: cheapestTarget[0] } },
      details: {
        computeByTargetUsd: Object.fromEntries(Object.entries(byTarget).map(([t, c]) => [t, toUsd(c)])),
        ...(crossover ? { lambdaFargateCrossoverRequestsPerMonth: crossover } : {}),
      },
    });
  }

  // Logs and traces.
  const logs = input.infrastructure?.cloudwatchLogs;
  if (logs && logs.storedGb > logs.ingestedGb) {
    const trimmed = rerun(raw, ctx, (i) => ({
      ...i,
      infrastructure: { ...i.infrastructure, cloudwatchLogs: { ...logs, storedGb: logs.ingestedGb } },
    }));
    if (saving(trimmed) > 0n) {
      list.push({
        id: 'log-retention',
        title: 'Keep logs for one month (set the log group retention)',
        savingUsd: toUsd(saving(trimmed)),
        tradeoff: 'Older logs are gone; export them to S3 first if you must keep them.',
      });
    }
  }
  const xray = input.infrastructure?.xray;
  if (xray && xray.samplingRate > 0.05) {
    const sampled = rerun(raw, ctx, (i) => ({
      ...i,
      infrastructure: { ...i.infrastructure, xray: { samplingRate: 0.05 } },
    }));
    if (saving(sampled) > 0n) {
      list.push({
        id: 'trace-sampling',
        title: `Sample 5% of traces instead of ${xray.samplingRate * 100}%`,
        savingUsd: toUsd(saving(sampled)),
        tradeoff:
          'Fewer traces to debug rare failures with; errors can still be traced at 100% with a sampling rule.',
      });
    }
  }
  return list.filter((o) => o.savingUsd > 0).sort((a, b) => b.savingUsd - a.savingUsd);
}

function targetTradeoff(target: string): string {
  if (target === 'lambda')
    return 'At most 15 minutes per request and no conversation kept between invocations; cold starts.';
  if (target === 'ecs-fargate')
    return 'You pay for tasks all month whatever the traffic, and you run the load balancer and scaling.';
  return 'AgentCore Runtime requires ARM64 containers; sessions are isolated microVMs billed only for active CPU.';
}

/** Requests per month at which Lambda's compute costs as much as one always-on Fargate task. */
function lambdaFargateCrossover(raw: RawEstimate, ctx: CostContext): number | undefined {
  const probe = 1_000_000;
  const lambda = computeEstimate(
    {
      ...raw.input,
      freeTier: false,
      usage: { ...raw.usage, requestsPerMonth: probe },
      deployment: { ...raw.input.deployment, target: 'lambda' },
    },
    ctx,
  );
  const fargate = computeEstimate(
    { ...raw.input, freeTier: false, deployment: { ...raw.input.deployment, target: 'ecs-fargate' } },
    ctx,
  );
  const perRequest = Number(sumBy(lambda.items, 'compute')) / probe;
  return perRequest > 0 ? Math.round(Number(sumBy(fargate.items, 'compute')) / perRequest) : undefined;
}

/** The largest n in [lo, hi] for which `fits` holds, `fits` being true up to some point and false after. */
function largestFitting(lo: number, hi: number, fits: (n: number) => boolean): number | undefined {
  if (hi < lo || !fits(lo)) return undefined;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

type WayUnder = NonNullable<CostEstimate['budget']>['waysUnder'][number];

/**
 * Over budget: the single changes that bring the whole agent's monthly total under it, each with
 * the figure that does: the most requests a month, the longest answers (output tokens), or the
 * cheaper model the advice above found. A change that cannot get under alone is left out.
 */
function waysUnder(raw: RawEstimate, ctx: CostContext, monthlyUsd: number, optimizations: Optimization[]) {
  const budget = BigInt(Math.round(monthlyUsd * 1e6));
  const total = sumBy(raw.items);
  const usage = raw.usage;
  const totalWith = (change: Partial<typeof usage>) =>
    sumBy(rerun(raw, ctx, (i) => ({ ...i, usage: { ...usage, ...change } })).items);
  const ways: WayUnder[] = [];
  const requests = largestFitting(
    1,
    usage.requestsPerMonth - 1,
    (n) => totalWith({ requestsPerMonth: n }) <= budget,
  );
  if (requests !== undefined)
    ways.push({
      kind: 'fewer-requests',
      text: `fewer requests: under budget at ≤ ${requests.toLocaleString('en-US')} requests/month (now ${usage.requestsPerMonth.toLocaleString('en-US')})`,
      value: requests,
      monthlyUsd: toUsd(totalWith({ requestsPerMonth: requests })),
    });
  const tokens = largestFitting(
    1,
    usage.avgOutputTokens - 1,
    (n) => totalWith({ avgOutputTokens: n }) <= budget,
  );
  if (tokens !== undefined)
    ways.push({
      kind: 'shorter-answers',
      text: `shorter answers: under budget at ≤ ${tokens.toLocaleString('en-US')} output tokens per answer (now ${usage.avgOutputTokens.toLocaleString('en-US')})`,
      value: tokens,
      monthlyUsd: toUsd(totalWith({ avgOutputTokens: tokens })),
    });
  const model = optimizations.find(
    (o) =>
      (o.id === 'cheaper-model' || o.id === 'smaller-model') &&
      typeof o.patch?.model === 'string' &&
      total - BigInt(Math.round(o.savingUsd * 1e6)) <= budget,
  );
  if (model && typeof model.patch?.model === 'string') {
    const after = total - BigInt(Math.round(model.savingUsd * 1e6));
    const name = ctx.models.get(model.patch.model).name;
    ways.push({
      kind: 'cheaper-model',
      text: `a cheaper model: under budget with ${name} (${formatUsd(after)}/month in total)`,
      value: model.patch.model,
      monthlyUsd: toUsd(after),
    });
  }
  return ways;
}

const CONFLICTS = [
  ['cheaper-model', 'smaller-model', 'batch-inference'],
  ['arm64', 'deployment-target', 'lambda-memory'],
];

function budgetCheck(
  total: MicroUsd,
  monthlyUsd: number,
  optimizations: Optimization[],
): Omit<NonNullable<CostEstimate['budget']>, 'waysUnder'> {
  const budget = BigInt(Math.round(monthlyUsd * 1e6));
  const overBudget = total > budget;
  const chosen: string[] = [];
  let remaining = total;
  for (const o of optimizations) {
    if (remaining <= budget) break;
    if (CONFLICTS.some((group) => group.includes(o.id) && chosen.some((c) => group.includes(c)))) continue;
    chosen.push(o.id);
    remaining -= BigInt(Math.round(o.savingUsd * 1e6));
  }
  return {
    monthlyUsd,
    overBudget,
    gapUsd: toUsd(total - budget),
    toMeetBudget: overBudget && remaining <= budget ? chosen : [],
  };
}
