import type { DeletedSession, Session, SessionActivity } from './model.ts';

/** Where sessions live (DynamoDB in AWS, dynalite locally, a Map in tests). */
export interface SessionRepository {
  create(session: Session): Promise<void>;
  get(id: string): Promise<Session | undefined>;
  listByOwner(owner: string, limit: number): Promise<Session[]>;
  /** Saves `session` (its version already incremented) only if the stored version is `expectedVersion`; else ConflictError. */
  save(session: Session, expectedVersion: number): Promise<void>;
  /** The newest generation and test run of the session's history. */
  activity(id: string): Promise<SessionActivity>;
  /** Removes the session itself (what it made elsewhere goes first, through a SessionPurge). */
  delete(id: string): Promise<void>;
}

/**
 * Removes everything a session made outside its own record: generations and their files, builds,
 * test runs and their outputs, its history entries. Never anything another session or user owns.
 */
export interface SessionPurge {
  purge(session: Session): Promise<DeletedSession['removed']>;
}
