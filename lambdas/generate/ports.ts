import type { AgentSpecInput, Language } from '../agent-spec/schema.ts';

/** What the generation workflow starts from: a validated spec, whose it is, and its new id. */
export interface GenerationInput {
  generationId: string;
  owner: string;
  sessionId?: string;
  spec: AgentSpecInput;
}

/** A generation: its outcome, what it produced and where the files are. */
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
  /** The generation-cache entry it made or hit (scoped to its owner and session). */
  cacheKey?: string;
  createdAt: string;
}

/** Where generations and the generation cache live (DynamoDB in AWS, dynalite locally, a Map in tests). */
export interface GenerationRepository {
  /** Stores the generation and, when it belongs to a session, its entry in the session's history. */
  putGeneration(record: GenerationRecord): Promise<void>;
  getGeneration(id: string): Promise<GenerationRecord | undefined>;
  /** The generation that already produced this spec hash with these templates, if any. */
  getCached(cacheKey: string): Promise<string | undefined>;
  putCached(cacheKey: string, generationId: string): Promise<void>;
}

/** Runs the generation workflow to its end and returns what it recorded. */
export interface GenerationRunner {
  run(input: GenerationInput): Promise<GenerationRecord>;
}
