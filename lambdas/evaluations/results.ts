import { z } from 'zod';
import { ModelInfo } from '../../runner/events.ts';
import { AssertionOutcome } from './assertions.ts';
import { Observation } from './observation.ts';
import type { Suite } from './suite.ts';

/** One run of one case (a case runs `repetitions` times). */
export const CaseRun = z.object({
  caseId: z.string(),
  repetition: z.number().int().nonnegative(),
  status: z.enum(['passed', 'failed']),
  assertions: z.array(AssertionOutcome),
  answer: z.string(),
  toolCalls: Observation.shape.toolCalls,
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number().optional(),
  costHypothetical: z.boolean().optional(),
  latencyMs: z.number(),
  ttftMs: z.number().nullable(),
  turns: z.number().int().positive(),
  /** The run did not succeed (timeout, crash…): the case fails with this reason. */
  failure: z.string().optional(),
  /** The test runs behind this case run, one per turn, when they were recorded. */
  runIds: z.array(z.string()).default([]),
});
export type CaseRun = z.infer<typeof CaseRun>;

export const CaseResult = z.object({
  id: z.string(),
  description: z.string().optional(),
  tags: z.array(z.string()),
  /** Passed when every repetition passed. */
  passed: z.boolean(),
  passRate: z.number(),
  runs: z.array(CaseRun),
});
export type CaseResult = z.infer<typeof CaseResult>;

export const TagSummary = z.object({
  runs: z.number().int(),
  passed: z.number().int(),
  passRate: z.number(),
  threshold: z.number().optional(),
  met: z.boolean(),
});

export const SuiteSummary = z.object({
  cases: z.number().int(),
  caseRuns: z.number().int(),
  passedRuns: z.number().int(),
  /** Passed case runs / case runs. */
  passRate: z.number(),
  threshold: z.number(),
  tags: z.record(z.string(), TagSummary),
  totalTokens: z.number(),
  /** Sum of the case runs' costs; absent when the model has no registry price. */
  totalCostUsd: z.number().optional(),
  costHypothetical: z.boolean().optional(),
  p50LatencyMs: z.number(),
  p95LatencyMs: z.number(),
  /** Judge assertions and others that could not be checked in this run. */
  skippedAssertions: z.number().int(),
  verdict: z.enum(['passed', 'failed']),
  /** Why the verdict is what it is, one line per threshold missed (or a line saying all were met). */
  reasons: z.array(z.string()),
});
export type SuiteSummary = z.infer<typeof SuiteSummary>;

export const SuiteResult = z.object({
  suite: z.string(),
  model: ModelInfo.optional(),
  /** The model that graded judge assertions, when there was one. */
  judge: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string(),
  cases: z.array(CaseResult),
  summary: SuiteSummary,
});
export type SuiteResult = z.infer<typeof SuiteResult>;

/** Nearest-rank percentile of `values` (0 when empty). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

const rate = (passed: number, runs: number) => (runs === 0 ? 1 : passed / runs);
const pct = (r: number) => `${Math.round(r * 1000) / 10}%`;
/** Sums money in micro-dollars so the total equals the sum of its parts. */
const sumUsd = (values: number[]) => values.reduce((n, v) => n + Math.round(v * 1e6), 0) / 1e6;

/** The cases' results summed up and held against the suite's thresholds. */
export function summarise(suite: Suite, cases: CaseResult[]): SuiteSummary {
  const runs = cases.flatMap((c) => c.runs);
  const passedRuns = runs.filter((r) => r.status === 'passed').length;
  const passRate = rate(passedRuns, runs.length);
  const reasons: string[] = [];
  if (passRate < suite.settings.threshold)
    reasons.push(`pass rate ${pct(passRate)} is below the threshold ${pct(suite.settings.threshold)}`);
  const tagNames = new Set([...cases.flatMap((c) => c.tags), ...Object.keys(suite.settings.tagThresholds)]);
  const tags: SuiteSummary['tags'] = {};
  for (const tag of [...tagNames].sort()) {
    const tagged = cases.filter((c) => c.tags.includes(tag)).flatMap((c) => c.runs);
    const passed = tagged.filter((r) => r.status === 'passed').length;
    const threshold = suite.settings.tagThresholds[tag];
    const met = threshold === undefined || rate(passed, tagged.length) >= threshold;
    if (!met)
      reasons.push(
        `tag ${tag}: pass rate ${pct(rate(passed, tagged.length))} is below its threshold ${pct(threshold ?? 0)}`,
      );
    tags[tag] = {
      runs: tagged.length,
      passed,
      passRate: rate(passed, tagged.length),
      ...(threshold !== undefined ? { threshold } : {}),
      met,
    };
  }
  const costs = runs.flatMap((r) => (r.costUsd === undefined ? [] : [r.costUsd]));
  const latencies = runs.map((r) => r.latencyMs);
  const verdict = reasons.length === 0 ? 'passed' : 'failed';
  if (verdict === 'passed')
    reasons.push(`pass rate ${pct(passRate)} meets the threshold ${pct(suite.settings.threshold)}`);
  return {
    cases: cases.length,
    caseRuns: runs.length,
    passedRuns,
    passRate,
    threshold: suite.settings.threshold,
    tags,
    totalTokens: runs.reduce((n, r) => n + r.inputTokens + r.outputTokens, 0),
    ...(costs.length === runs.length && runs.length > 0
      ? { totalCostUsd: sumUsd(costs), costHypothetical: runs.some((r) => r.costHypothetical) }
      : {}),
    p50LatencyMs: percentile(latencies, 50),
    p95LatencyMs: percentile(latencies, 95),
    skippedAssertions: runs.reduce(
      (n, r) => n + r.assertions.filter((a) => a.status === 'skipped').length,
      0,
    ),
    verdict,
    reasons,
  };
}
