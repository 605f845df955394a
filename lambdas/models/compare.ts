import { z } from 'zod';
import { toUsd } from '../core/money.ts';
import { parseOrThrow } from '../core/zod-problems.ts';
import type { ModelRegistry } from './registry.ts';
import { Capability, ModelPricing, Provider, Tier } from './schema.ts';
import { DEFAULT_WORKLOAD, describeWorkload, Workload, workloadCost } from './workload.ts';

export const CompareRequest = z
  .object({
    ids: z
      .array(z.string().min(1))
      .min(2, 'compare at least 2 models')
      .max(5, 'compare at most 5 models')
      .refine((ids) => new Set(ids).size === ids.length, 'each model may appear once'),
    workload: Workload.optional(),
  })
  .strict();
export type CompareRequest = z.input<typeof CompareRequest>;

export const ComparedModel = z.object({
  id: z.string(),
  name: z.string(),
  provider: Provider,
  vendor: z.string(),
  tier: Tier,
  pricing: ModelPricing,
  contextWindow: z.number(),
  maxOutputTokens: z.number(),
  capabilities: z.record(Capability, z.boolean()),
  monthlyCost: z.object({ inputUsd: z.number(), outputUsd: z.number(), totalUsd: z.number() }),
});
export type ComparedModel = z.infer<typeof ComparedModel>;

export const Comparison = z.object({
  models: z.array(ComparedModel),
  workload: Workload,
  workloadDescription: z.string(),
  /** Id of the model with the lowest monthly cost for the workload (first listed on a tie). */
  cheapest: z.string(),
  largestContext: z.string(),
  /** Capabilities that some but not all compared models have: where the choice matters. */
  differences: z.array(Capability),
});
export type Comparison = z.infer<typeof Comparison>;

/** Side-by-side comparison of 2–5 models, with the same workload priced on each. */
export function compareModels(registry: ModelRegistry, input: CompareRequest): Comparison {
  const parsed = parseOrThrow(CompareRequest, input, 'the comparison request');
  const workload = parsed.workload ?? DEFAULT_WORKLOAD;
  const models = parsed.ids.map((id) => registry.get(id));
  const costs = models.map((m) => workloadCost(m, workload));
  const compared = models.map((m, index): ComparedModel => {
    const cost = costs[index] ?? workloadCost(m, workload);
    return {
      id: m.id,
      name: m.name,
      provider: m.provider,
      vendor: m.vendor,
      tier: m.tier,
      pricing: m.pricing,
      contextWindow: m.contextWindow,
      maxOutputTokens: m.maxOutputTokens,
      capabilities: Object.fromEntries(
        Capability.options.map((c) => [c, m.capabilities.includes(c)]),
      ) as Record<Capability, boolean>,
      monthlyCost: {
        inputUsd: toUsd(cost.input),
        outputUsd: toUsd(cost.output),
        totalUsd: toUsd(cost.total),
      },
    };
  });
  const totals = costs.map((c) => c.total);
  let cheapest = 0;
  let largest = 0;
  for (let i = 1; i < models.length; i++) {
    if ((totals[i] ?? 0n) < (totals[cheapest] ?? 0n)) cheapest = i;
    if ((models[i]?.contextWindow ?? 0) > (models[largest]?.contextWindow ?? 0)) largest = i;
  }
  const differences = Capability.options.filter((c) => {
    const count = models.filter((m) => m.capabilities.includes(c)).length;
    return count > 0 && count < models.length;
  });
  return {
    models: compared,
    workload,
    workloadDescription: describeWorkload(workload),
    cheapest: compared[cheapest]?.id ?? '',
    largestContext: compared[largest]?.id ?? '',
    differences,
  };
}
