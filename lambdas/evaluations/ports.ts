import type { RunHistory } from '../testing/ports.ts';
import type { EvaluationRecord, StoredSuite } from './model.ts';

/** Suites and evaluation runs (DynamoDB in AWS, dynalite locally, Maps in tests). */
export interface EvaluationRepository {
  putSuite(owner: string, suite: StoredSuite): Promise<void>;
  getSuite(sessionId: string): Promise<(StoredSuite & { owner: string }) | undefined>;
  /** Stores the run and its entry in the history of its session (or generation). */
  putRun(record: EvaluationRecord): Promise<void>;
  getRun(id: string): Promise<EvaluationRecord | undefined>;
  /** The runs of a history, newest first. */
  listRuns(history: RunHistory, limit: number): Promise<EvaluationRecord[]>;
}
