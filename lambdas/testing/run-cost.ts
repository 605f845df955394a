import { z } from 'zod';
import { tokenCost, toUsd } from '../core/money.ts';
import { factProvenance, type ModelInfo } from '../models/schema.ts';

/** What a run's tokens cost at the registry price of the agent's model. */
export const RunCost = z.object({
  modelId: z.string(),
  modelName: z.string(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  usd: z.number(),
  /** True when another model answered (the offline model): what the run would have cost on this one. */
  hypothetical: z.boolean(),
  /** The day the price was read at its source. */
  asOf: z.string().optional(),
  source: z.string().optional(),
});
export type RunCost = z.infer<typeof RunCost>;

/** Tokens × the registry's on-demand price of `model`, exactly (micro-dollar arithmetic). */
export function runCost(
  usage: { inputTokens: number; outputTokens: number },
  model: ModelInfo,
  hypothetical: boolean,
): RunCost {
  const micro =
    tokenCost(usage.inputTokens, model.pricing.inputPerMTok) +
    tokenCost(usage.outputTokens, model.pricing.outputPerMTok);
  const provenance = factProvenance(model, 'pricing');
  return {
    modelId: model.id,
    modelName: model.name,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    usd: toUsd(micro),
    hypothetical,
    asOf: provenance.asOf,
    source: provenance.source,
  };
}
