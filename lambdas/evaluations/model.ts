import { z } from 'zod';
import { HistoryQuery } from '../testing/model.ts';
import { Comparison } from './compare.ts';
import { SuiteResult, SuiteSummary } from './results.ts';

/** A session's evaluation suite, as its builder wrote it (YAML). */
export const StoredSuite = z.object({
  sessionId: z.string(),
  yaml: z.string(),
  updatedAt: z.string(),
});
export type StoredSuite = z.infer<typeof StoredSuite>;

export const SuiteBody = z.object({ yaml: z.string().min(1).max(262_144) }).strict();
export type SuiteBody = z.infer<typeof SuiteBody>;

/** A valid suite, in figures. */
export const SuiteCheck = z.object({
  name: z.string(),
  cases: z.number().int(),
  assertions: z.number().int(),
  judged: z.number().int().describe('judge assertions: graded only with a real model'),
});

export const StarterQuery = z.object({ generationId: z.string().min(1).max(100) }).strict();

/** The starter suite the generator wrote into a generation's project (`evals/main.yaml`). */
export const StarterSuite = z.object({ generationId: z.string(), yaml: z.string() });

export const EvaluationBody = z
  .object({
    buildId: z.string().min(1).max(100),
    /** The suite to run; without it, the session's stored suite, else the project's starter suite. */
    yaml: SuiteBody.shape.yaml.optional(),
  })
  .strict();
export type EvaluationBody = z.infer<typeof EvaluationBody>;

/**
 * An evaluation run: a suite run against one build (one agent version), its results filled in case by
 * case while it runs, and its comparison with the previous run of the same history.
 */
export const EvaluationRun = z.object({
  id: z.string(),
  buildId: z.string(),
  generationId: z.string(),
  sessionId: z.string().optional(),
  suite: z.string(),
  status: z.enum(['RUNNING', 'COMPLETED', 'FAILED']),
  reason: z.string().optional(),
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
  /** The results so far (complete once COMPLETED). */
  result: SuiteResult.optional(),
  /** The previous evaluation run of this session (or generation), and what changed since. */
  previousId: z.string().optional(),
  comparison: Comparison.optional(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
});
export type EvaluationRun = z.infer<typeof EvaluationRun>;

/** An evaluation run as stored: whose it is, the suite it ran, and where a large result is kept. */
export interface EvaluationRecord extends EvaluationRun {
  owner: string;
  yaml: string;
  resultKey?: string;
}

/** One line of the history: a run without its per-case results. */
export const EvaluationEntry = EvaluationRun.omit({ result: true, comparison: true }).extend({
  summary: SuiteSummary.optional(),
  fixed: z.number().int().optional(),
  regressed: z.number().int().optional(),
});
export type EvaluationEntry = z.infer<typeof EvaluationEntry>;

/** Past evaluation runs of a session (or generation), as test runs are listed. */
export const EvaluationHistoryQuery = HistoryQuery;
export type EvaluationHistoryQuery = z.infer<typeof EvaluationHistoryQuery>;
