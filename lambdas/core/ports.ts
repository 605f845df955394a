import type { RunnerTask } from '../../runner/task.ts';

/**
 * Ports of the platform's shared infrastructure: no feature's types, implemented by the adapters in
 * `lambdas/core/adapters` and used by several features (and the runner program).
 */

/** Bytes by key: generated projects, runner tasks, long outputs (S3 in AWS, s3rver locally, a Map in tests). */
export interface ArtifactStore {
  put(key: string, body: Uint8Array | string, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
}

/** Removes artifacts for good (a deleted agent's projects, builds and runs). */
export interface ArtifactDeleter {
  /** Deletes every object whose key starts with `prefix` (end it with `/`); how many were deleted. */
  deletePrefix(prefix: string): Promise<number>;
}

/** Per-user hourly quotas of expensive actions (generations, test runs). */
export interface RateLimiter {
  /**
   * Counts `count` uses (default one) of `action` by `owner` in the current hour, all or none; throws
   * RateLimitedError when they do not fit under `limit`.
   */
  hit(owner: string, action: string, limit: number, count?: number): Promise<void>;
}

/** A started runner: how to find it again, and a promise settled when it has ended. */
export interface StartedRunner {
  taskArn?: string;
  done: Promise<void>;
}

/**
 * Where the runner program runs: a child process (local) or a Fargate task (AWS). The task itself is
 * stored at `taskKey` in the artifact store; the runner reads it from there.
 */
export interface RunnerBackend {
  start(task: RunnerTask, taskKey: string): Promise<StartedRunner>;
  cancel(id: string, taskArn?: string): Promise<void>;
}

/**
 * Sends messages to a WebSocket client (API Gateway's @connections API; the local gateway's twin).
 * Generic over the message, so a feature states what it streams while the adapter sends any JSON.
 */
export interface ConnectionPoster<Message = unknown> {
  /** False when the client has gone. */
  post(connectionId: string, message: Message): Promise<boolean>;
}
