import { z } from 'zod';
import type { ModelInfo as RegistryModel } from '../models/schema.ts';
import type { TestRun } from '../testing/model.ts';
import { runCost } from '../testing/run-cost.ts';

/**
 * What the assertions read about one case run: the only shape they know. Every run format (today's
 * test-run records and runner results; traces later) becomes an Observation in `observationOf`, so a
 * change to how runs are recorded changes that one function, never the assertions.
 */
export const Observation = z.object({
  /** The agent's final answer (the last turn's, for a conversation). */
  answer: z.string(),
  toolCalls: z.array(
    z.object({
      name: z.string(),
      input: z.unknown(),
      /** Set when the tool reported an error. */
      error: z.string().optional(),
    }),
  ),
  /** Calls to the model; absent when the run did not record them. */
  modelCalls: z.number().int().nonnegative().optional(),
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  /** Tokens × the agent's model's registry price; absent when the model has no registry entry. */
  costUsd: z.number().nonnegative().optional(),
  /** True when the cost is what the run would have cost on the agent's model (another model answered). */
  costHypothetical: z.boolean().optional(),
  latencyMs: z.number().nonnegative(),
  /** Time to the first streamed token of the first turn; null when nothing streamed. */
  ttftMs: z.number().nonnegative().nullable(),
  /** Messages sent (more than one for a conversation). */
  turns: z.number().int().positive().optional(),
  /** Set when a run did not succeed: its status and reason. */
  failure: z.string().optional(),
});
export type Observation = z.infer<typeof Observation>;

/** The parts of a run (a test-run record or a runner result) an observation is made of. */
export type ObservedRun = Pick<TestRun, 'output' | 'toolCalls' | 'metrics' | 'model' | 'reason'> & {
  status: string;
};

/**
 * The observation of one case run: one run per turn, in order (a conversation's turns share one agent
 * session). Tokens, latency and tool calls add up over the turns; the answer is the last turn's.
 * `price` is the agent's model in the registry: with it the cost is priced, marked hypothetical when
 * another model (the offline one) answered.
 */
export function observationOf(
  runs: ObservedRun | readonly ObservedRun[],
  price?: RegistryModel,
): Observation {
  const list: readonly ObservedRun[] = Array.isArray(runs) ? runs : [runs as ObservedRun];
  const inputTokens = list.reduce((n, r) => n + (r.metrics?.inputTokens ?? 0), 0);
  const outputTokens = list.reduce((n, r) => n + (r.metrics?.outputTokens ?? 0), 0);
  const failed = list.find((r) => r.status !== 'succeeded');
  const answered = list.map((r) => r.model?.kind).find((k) => k !== undefined);
  const cost = price ? runCost({ inputTokens, outputTokens }, price, answered !== 'bedrock') : undefined;
  return {
    answer: list.at(-1)?.output ?? '',
    toolCalls: list.flatMap((r) =>
      (r.toolCalls ?? []).map((c) => ({
        name: c.name,
        input: c.input ?? {},
        ...(c.status === 'error' ? { error: 'the tool reported an error' } : {}),
      })),
    ),
    inputTokens,
    outputTokens,
    ...(cost ? { costUsd: cost.usd, costHypothetical: cost.hypothetical } : {}),
    latencyMs: list.reduce((n, r) => n + (r.metrics?.totalLatencyMs ?? 0), 0),
    ttftMs: list[0]?.metrics?.timeToFirstTokenMs ?? null,
    turns: list.length,
    ...(failed ? { failure: `${failed.status}: ${failed.reason ?? 'no reason given'}` } : {}),
  };
}
