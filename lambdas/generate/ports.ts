import type { AgentSpecInput, Language } from '../agent-spec/schema.ts';

/** One field of the spec that changed from the previous version, in words. */
export interface VersionChange {
  field: string;
  from?: string;
  to?: string;
}

/** What the generation workflow starts from: a validated spec, whose it is, and its new id. */
export interface GenerationInput {
  generationId: string;
  owner: string;
  sessionId?: string;
  spec: AgentSpecInput;
  /** For a session's generation: its version of the agent (v1, v2, …) and what changed since the last. */
  version?: number;
  changes?: VersionChange[];
}

/** A generation: its outcome, what it produced and where the files are. */
export interface GenerationRecord {
  id: string;
  owner: string;
  sessionId?: string;
  status: 'SUCCEEDED' | 'FAILED';
  /** Why it failed, in words a builder can act on. */
  reason?: string;
  /** The template set it was (or would have been) rendered with: the templates' content hash. */
  templates?: string;
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
  /** The session agent's version this generation is (successes only), and what changed since the previous one. */
  version?: number;
  changes?: VersionChange[];
  /** The validated spec it was generated from, to compare versions. */
  spec?: AgentSpecInput;
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
