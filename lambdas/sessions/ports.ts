import type { Language } from '../agent-spec/schema.ts';
import type { Session } from './model.ts';

/** Where sessions and generations live (DynamoDB in AWS, dynalite locally, a Map in tests). */
export interface SessionRepository {
  create(session: Session): Promise<void>;
  get(id: string): Promise<Session | undefined>;
  listByOwner(owner: string, limit: number): Promise<Session[]>;
  /** Saves `session` (its version already incremented) only if the stored version is `expectedVersion`; else ConflictError. */
  save(session: Session, expectedVersion: number): Promise<void>;
}

export interface GenerationRecord {
  id: string;
  owner: string;
  sessionId?: string;
  status: 'SUCCEEDED' | 'FAILED';
  /** Why it failed, in words a builder can act on. */
  reason?: string;
  specHash?: string;
  name?: string;
  language?: Language;
  files?: string[];
  warnings?: { path: string; message: string }[];
  /** S3 prefix of the files and the zip (a cache hit shares its source's). */
  artifactPrefix?: string;
  zipBytes?: number;
  cost?: { monthlyUsd: number; annualUsd: number };
  cached?: boolean;
  createdAt: string;
}

export interface GenerationRepository {
  putGeneration(record: GenerationRecord): Promise<void>;
  getGeneration(id: string): Promise<GenerationRecord | undefined>;
  /** The generation that already produced this spec hash with these templates, if any. */
  getCached(cacheKey: string): Promise<string | undefined>;
  putCached(cacheKey: string, generationId: string): Promise<void>;
}

export interface RateLimiter {
  /** Counts one use of `action` by `owner` in the current hour; throws RateLimitedError past `limit`. */
  hit(owner: string, action: string, limit: number): Promise<void>;
}

export interface ArtifactStore {
  put(key: string, body: Uint8Array | string, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
}
