import { z } from 'zod';
import { tokenCost, toUsd } from '../core/money.ts';
import { factProvenance, type ModelInfo } from '../models/schema.ts';

/**
 * What one run (or a conversation's runs together) costs: its measured tokens at the model's registry
 * price. `hypothetical` is true when the offline model produced the tokens: the figure is what the
 * same tokens would cost on the spec's model ("would cost $X on <model>"), not a charge.
 */
export const RunCost = z.object({
  modelId: z.string(),
  modelName: z.string(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  /** USD, rounded once at micro-dollar level (lambdas/core/money.ts). */
  usd: z.number().nonnegative(),
  hypothetical: z.boolean(),
  /** The day the price was read at its source. */
  asOf: z.string().optional(),
  /** Where the price comes from. */
  source: z.string().optional(),
});
export type RunCost = z.infer<typeof RunCost>;

/** The cost of `usage` tokens on `model` at its registry price (on-demand input and output). */
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
