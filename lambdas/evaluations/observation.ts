import { z } from 'zod';
import type { TestRun } from '../testing/model.ts';
import { totalCost } from '../testing/run-cost.ts';

/**
 * What the assertions read about one case run: the only shape they know. Every run format (test-run
 * records and runner results, with their traces and costs) becomes an Observation in `observationOf`, so a
 * change to how runs are recorded changes that one function, never the assertions.
 */
export const Observation = z.object({
  /** The agent's final answer (the last turn's, for a conversation). */
  answer: z.string(),
  toolCalls: z.array(
    z.object({
      name: z.string(),
      input: z.unknown(),
      /** How long the call took (from the run's trace); absent when it never reported back. */
      latencyMs: z.number().nonnegative().optional(),
      /** Set when the tool reported an error. */
      error: z.string().optional(),
    }),
  ),
  /** Calls to the model (the trace's model spans); absent when a run has no trace. */
  modelCalls: z.number().int().nonnegative().optional(),
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  /** The runs' recorded cost (tokens at the model's registry price); absent when a run has none. */
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
export type ObservedRun = Pick<
  TestRun,
  'output' | 'toolCalls' | 'metrics' | 'model' | 'reason' | 'trace' | 'cost'
> & {
  status: string;
};

/** A run's tool calls: from its trace when it has one (with each call's time and error), else as the agent listed them. */
function toolCallsOf(run: ObservedRun): Observation['toolCalls'] {
  const spans = run.trace?.filter((s) => s.kind === 'tool');
  if (run.trace && spans)
    return spans.map((s) => ({
      name: s.name,
      input: s.input ?? {},
      ...(s.durationMs !== null ? { latencyMs: s.durationMs } : {}),
      ...(s.error || s.status === 'error' ? { error: s.error ?? 'the tool reported an error' } : {}),
    }));
  return (run.toolCalls ?? []).map((c) => ({
    name: c.name,
    input: c.input ?? {},
    ...(c.status === 'error' ? { error: 'the tool reported an error' } : {}),
  }));
}

/**
 * The observation of one case run: one run per turn, in order (a conversation's turns, answered by one
 * warm agent). Tokens, latency, tool calls and model calls add up over the turns; the answer is the
 * last turn's. Model calls are counted from the runs' traces (absent when a run has none); the cost is
 * the runs' own recorded costs together (RunCost: "would cost" when the offline model answered), never
 * priced again here.
 */
export function observationOf(runs: ObservedRun | readonly ObservedRun[]): Observation {
  const list: readonly ObservedRun[] = Array.isArray(runs) ? runs : [runs as ObservedRun];
  const failed = list.find((r) => r.status !== 'succeeded');
  const traced = list.length > 0 && list.every((r) => r.trace !== undefined);
  const costs = list.flatMap((r) => (r.cost ? [r.cost] : []));
  const cost = costs.length === list.length ? totalCost(costs) : undefined;
  return {
    answer: list.at(-1)?.output ?? '',
    toolCalls: list.flatMap(toolCallsOf),
    ...(traced
      ? { modelCalls: list.reduce((n, r) => n + (r.trace ?? []).filter((s) => s.kind === 'model').length, 0) }
      : {}),
    inputTokens: list.reduce((n, r) => n + (r.metrics?.inputTokens ?? 0), 0),
    outputTokens: list.reduce((n, r) => n + (r.metrics?.outputTokens ?? 0), 0),
    ...(cost ? { costUsd: cost.usd, costHypothetical: cost.hypothetical } : {}),
    latencyMs: list.reduce((n, r) => n + (r.metrics?.totalLatencyMs ?? 0), 0),
    ttftMs: list[0]?.metrics?.timeToFirstTokenMs ?? null,
    turns: list.length,
    ...(failed ? { failure: `${failed.status}: ${failed.reason ?? 'no reason given'}` } : {}),
  };
}
