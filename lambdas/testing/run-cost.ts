import { z } from 'zod';
import { tokenCost, toUsd } from '../core/money.ts';
import { loadModelRegistry } from '../models/load.ts';
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

/** The registry entry of a model id an agent invokes (a cross-Region profile id names its model). */
export function registryModel(modelId: string): ModelInfo | undefined {
  const registry = loadModelRegistry();
  return registry.find(modelId) ?? registry.find(modelId.replace(/^(us|eu|apac|global|jp|au|ca)\./, ''));
}

/**
 * What a run cost (or would cost, when the offline model answered) at its model's registry price;
 * undefined when the run has no measured tokens or its model is not in the registry.
 */
export function priceOf(run: {
  modelId?: string | undefined;
  metrics?: { inputTokens: number; outputTokens: number } | undefined;
  model?: { kind: string } | undefined;
}): RunCost | undefined {
  const model = run.modelId ? registryModel(run.modelId) : undefined;
  if (!model || !run.metrics) return undefined;
  return runCost(run.metrics, model, run.model?.kind === 'offline');
}

/** The cost of several runs of one model together (a conversation's turns). */
export function totalCost(costs: RunCost[]): RunCost | undefined {
  const [first] = costs;
  const model = first ? registryModel(first.modelId) : undefined;
  if (!first || !model) return undefined;
  const usage = {
    inputTokens: costs.reduce((n, c) => n + c.inputTokens, 0),
    outputTokens: costs.reduce((n, c) => n + c.outputTokens, 0),
  };
  return runCost(
    usage,
    model,
    costs.some((c) => c.hypothetical),
  );
}
