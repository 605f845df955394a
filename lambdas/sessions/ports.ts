import type { Session } from './model.ts';

/** Where sessions live (DynamoDB in AWS, dynalite locally, a Map in tests). */
export interface SessionRepository {
  create(session: Session): Promise<void>;
  get(id: string): Promise<Session | undefined>;
  listByOwner(owner: string, limit: number): Promise<Session[]>;
  /** Saves `session` (its version already incremented) only if the stored version is `expectedVersion`; else ConflictError. */
  save(session: Session, expectedVersion: number): Promise<void>;
}
