import { z } from 'zod';
import type { CaseResult, SuiteResult } from './results.ts';

/** How one case changed between an earlier result and this one. */
export const CaseChange = z.object({
  caseId: z.string(),
  outcome: z.enum(['fixed', 'regressed', 'still-passing', 'still-failing', 'new', 'removed']),
  /** Relative change of the mean cost per run (0.25 = 25 % more), when both were priced. */
  costChange: z.number().optional(),
  /** Relative change of the mean latency per run. */
  latencyChange: z.number().optional(),
  /** The changes beyond the threshold, in words ("cost +35%", "latency −40%"). */
  moved: z.array(z.string()),
});
export type CaseChange = z.infer<typeof CaseChange>;

export const Comparison = z.object({
  previous: z.object({ startedAt: z.string(), passRate: z.number(), totalCostUsd: z.number().optional() }),
  passRateChange: z.number(),
  threshold: z.number(),
  fixed: z.number().int(),
  regressed: z.number().int(),
  moved: z.number().int(),
  cases: z.array(CaseChange),
});
export type Comparison = z.infer<typeof Comparison>;

const mean = (values: number[]) =>
  values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
const relative = (before: number | undefined, after: number | undefined) =>
  before === undefined || after === undefined || before === 0 ? undefined : (after - before) / before;
const signed = (r: number) => `${r >= 0 ? '+' : '−'}${Math.round(Math.abs(r) * 100)}%`;

function meanCost(c: CaseResult): number | undefined {
  const costs = c.runs.flatMap((r) => (r.costUsd === undefined ? [] : [r.costUsd]));
  return costs.length === c.runs.length ? mean(costs) : undefined;
}

/**
 * What changed since an earlier result of the same suite: cases fixed or regressed, and cases whose
 * mean cost or latency moved by more than `threshold` (relative, either way).
 */
export function compareResults(previous: SuiteResult, current: SuiteResult, threshold = 0.2): Comparison {
  const before = new Map(previous.cases.map((c) => [c.id, c]));
  const cases: CaseChange[] = current.cases.map((now) => {
    const then = before.get(now.id);
    if (!then) return { caseId: now.id, outcome: 'new', moved: [] };
    const outcome =
      then.passed && now.passed
        ? 'still-passing'
        : !then.passed && !now.passed
          ? 'still-failing'
          : now.passed
            ? 'fixed'
            : 'regressed';
    const costChange = relative(meanCost(then), meanCost(now));
    const latencyChange = relative(
      mean(then.runs.map((r) => r.latencyMs)),
      mean(now.runs.map((r) => r.latencyMs)),
    );
    const moved: string[] = [];
    if (costChange !== undefined && Math.abs(costChange) > threshold)
      moved.push(`cost ${signed(costChange)}`);
    if (latencyChange !== undefined && Math.abs(latencyChange) > threshold)
      moved.push(`latency ${signed(latencyChange)}`);
    return {
      caseId: now.id,
      outcome,
      ...(costChange !== undefined ? { costChange } : {}),
      ...(latencyChange !== undefined ? { latencyChange } : {}),
      moved,
    };
  });
  const current_ = new Set(current.cases.map((c) => c.id));
  for (const then of previous.cases)
    if (!current_.has(then.id)) cases.push({ caseId: then.id, outcome: 'removed', moved: [] });
  return {
    previous: {
      startedAt: previous.startedAt,
      passRate: previous.summary.passRate,
      ...(previous.summary.totalCostUsd !== undefined ? { totalCostUsd: previous.summary.totalCostUsd } : {}),
    },
    passRateChange: current.summary.passRate - previous.summary.passRate,
    threshold,
    fixed: cases.filter((c) => c.outcome === 'fixed').length,
    regressed: cases.filter((c) => c.outcome === 'regressed').length,
    moved: cases.filter((c) => c.moved.length > 0).length,
    cases,
  };
}
