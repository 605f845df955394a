import { createHash } from 'node:crypto';
import { FileStorage, SessionManager, type SnapshotStorage } from '@strands-agents/sdk';
import type { AgentConfig } from './config.js';

/**
 * Where conversations are kept beyond this process: an S3 bucket (SESSION_BUCKET: every task behind
 * a load balancer, and a restarted one, carries a session on), a directory (SESSION_DIR), or nowhere
 * (this process's memory only). Created once at start and shared by every session.
 */
export async function createSessionStorage(config: AgentConfig): Promise<SnapshotStorage | undefined> {
  if (config.SESSION_BUCKET) {
    // Loaded only when used: the S3 client is not needed by an agent that keeps no sessions there.
    const { S3Storage } = await import('@strands-agents/sdk/session/s3-storage').catch((error: unknown) => {
      throw new Error('SESSION_BUCKET needs the S3 client: run `npm install @aws-sdk/client-s3`, or use SESSION_DIR', { cause: error });
    });
    return new S3Storage({ bucket: config.SESSION_BUCKET, prefix: 'sessions', region: config.AWS_REGION });
  }
  if (config.SESSION_DIR) return new FileStorage(config.SESSION_DIR);
  return undefined;
}

/**
 * The store's name for a runtime session id. Strands accepts lowercase letters, digits, `-` and `_`;
 * any other id (a caller's own, with capitals or dots) is kept under its SHA-256, so it can neither
 * fail the request nor reach outside the store.
 */
export function storageSessionId(sessionId: string): string {
  return /^[a-z0-9_-]{1,128}$/.test(sessionId) ? sessionId : `h-${createHash('sha256').update(sessionId).digest('hex')}`;
}

/** Strands' session manager for one conversation: restores it on first use, saves it after each answer. */
export function sessionManagerFor(storage: SnapshotStorage, sessionId: string): SessionManager {
  return new SessionManager({ sessionId: storageSessionId(sessionId), storage: { snapshot: storage } });
}
