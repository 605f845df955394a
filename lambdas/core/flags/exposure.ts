import { AsyncLocalStorage } from 'node:async_hooks';

/** Outcomes measured per flag variant (the rollout dashboard shows them side by side). */
export const OUTCOMES = {
  Generation: ['GenerationSucceeded', 'GenerationFailed'],
  TestRun: ['TestRunSucceeded', 'TestRunFailed'],
  Evaluation: ['EvaluationSucceeded', 'EvaluationFailed'],
  Feedback: ['FeedbackUp', 'FeedbackDown'],
} as const;
export type OutcomeKind = keyof typeof OUTCOMES;

/** What one request saw of the rollout: the flags evaluated (with their variant) and its outcomes. */
export interface RequestExposure {
  flags: Map<string, string>;
  outcomes: { kind: OutcomeKind; good: boolean }[];
}

const current = new AsyncLocalStorage<RequestExposure>();

/** Runs `fn` as one request: flags it evaluates and outcomes it records are kept in `exposure`. */
export function withExposure<T>(exposure: RequestExposure, fn: () => Promise<T>): Promise<T> {
  return current.run(exposure, fn);
}

/** Notes that the current request was served under `variant` of `flag` (an OpenFeature `after` hook). */
export function recordExposure(flag: string, variant: string): void {
  current.getStore()?.flags.set(flag, variant);
}

/**
 * Records an outcome of the current request (a generation that succeeded, a test run that failed, a
 * thumbs-down): measured per variant of every flag the request was served under. Outside a request
 * (the CLI) it is a no-op.
 */
export function recordOutcome(kind: OutcomeKind, good: boolean): void {
  current.getStore()?.outcomes.push({ kind, good });
}
