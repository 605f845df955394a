import type { Session } from './model.ts';

/** Where sessions live (DynamoDB in AWS, dynalite locally, a Map in tests). */
export interface SessionRepository {
  create(session: Session): Promise<void>;
  get(id: string): Promise<Session | undefined>;
  listByOwner(owner: string, limit: number): Promise<Session[]>;
  /** Saves `session` (its version already incremented) only if the stored version is `expectedVersion`; else ConflictError. */
  save(session: Session, expectedVersion: number): Promise<void>;
}

// These ports moved to their owners (lambdas/core/ports.ts, lambdas/generate/ports.ts); the names stay
// importable from here until the generate modules that still import them from sessions are updated.
export type { ArtifactStore, RateLimiter } from '../core/ports.ts';
export type { GenerationRecord, GenerationRepository } from '../generate/ports.ts';
