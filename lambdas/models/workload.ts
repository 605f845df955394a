import { z } from 'zod';
import { type MicroUsd, tokenCost } from '../core/money.ts';
import type { ModelInfo } from './schema.ts';

/** A monthly token volume, described per request (the AgentSpec's `usage` block uses the same names). */
export const Workload = z
  .object({
    requestsPerMonth: z.number().int().nonnegative().max(1e12),
    avgInputTokens: z.number().int().nonnegative().max(10_000_000),
    avgOutputTokens: z.number().int().nonnegative().max(10_000_000),
  })
  .strict();
export type Workload = z.infer<typeof Workload>;

/** Used when a caller gives no volume; always reported back as an assumption. */
export const DEFAULT_WORKLOAD: Workload = {
  requestsPerMonth: 10_000,
  avgInputTokens: 1_000,
  avgOutputTokens: 300,
};

export function describeWorkload(w: Workload): string {
  return `${w.requestsPerMonth.toLocaleString('en-US')} requests/month × ${w.avgInputTokens.toLocaleString('en-US')} input + ${w.avgOutputTokens.toLocaleString('en-US')} output tokens`;
}

export interface WorkloadCost {
  inputTokens: bigint;
  outputTokens: bigint;
  input: MicroUsd;
  output: MicroUsd;
  total: MicroUsd;
}

/** Monthly on-demand token cost of a workload on one model, exact in micro-dollars. */
export function workloadCost(model: ModelInfo, workload: Workload): WorkloadCost {
  const requests = BigInt(workload.requestsPerMonth);
  const inputTokens = requests * BigInt(workload.avgInputTokens);
  const outputTokens = requests * BigInt(workload.avgOutputTokens);
  const input = tokenCost(inputTokens, model.pricing.inputPerMTok);
  const output = tokenCost(outputTokens, model.pricing.outputPerMTok);
  return { inputTokens, outputTokens, input, output, total: input + output };
}
