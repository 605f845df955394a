import { ConflictError } from '../lambdas/core/errors.ts';
import type { ArtifactStore, RateLimiter } from '../lambdas/core/ports.ts';
import type { GenerationRecord, GenerationRepository } from '../lambdas/generate/ports.ts';
import type { Session } from '../lambdas/sessions/model.ts';
import type { SessionRepository } from '../lambdas/sessions/ports.ts';
import type { BuildRecord, ConversationRecord, Progress, TestRunRecord } from '../lambdas/testing/model.ts';
import {
  historyOf,
  type ProgressKind,
  type QueuedTurn,
  type RunHistory,
  type TestRepository,
} from '../lambdas/testing/ports.ts';

/** An in-memory SessionRepository with the same conditional-write behaviour as the DynamoDB one. */
export class MemorySessions implements SessionRepository {
  readonly items = new Map<string, Session>();

  async create(session: Session) {
    if (this.items.has(session.id)) throw new Error('exists');
    this.items.set(session.id, structuredClone(session));
  }

  async get(id: string) {
    const session = this.items.get(id);
    return session ? structuredClone(session) : undefined;
  }

  async listByOwner(owner: string, limit: number) {
    return [...this.items.values()]
      .filter((s) => s.owner === owner)
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      .slice(0, limit);
  }

  async save(session: Session, expectedVersion: number) {
    if (this.items.get(session.id)?.version !== expectedVersion)
      throw new ConflictError(`session changed since version ${expectedVersion}`);
    this.items.set(session.id, structuredClone(session));
  }

  async activity() {
    return {};
  }

  async delete(id: string) {
    this.items.delete(id);
  }
}

/** In-memory generations, artifacts, test records and connections, for the test feature's domain tests. */
export class MemoryTestStore implements TestRepository, GenerationRepository, ArtifactStore, RateLimiter {
  readonly builds = new Map<string, BuildRecord>();
  readonly runs = new Map<string, TestRunRecord>();
  readonly generationRecords = new Map<string, GenerationRecord>();
  readonly objects = new Map<string, Uint8Array>();
  readonly connections = new Map<string, string>();
  readonly progress = new Map<string, Progress>();
  readonly conversations = new Map<string, ConversationRecord>();
  readonly queues = new Map<string, QueuedTurn[]>();
  readonly cancels = new Set<string>();

  async putBuild(record: BuildRecord) {
    this.builds.set(record.id, structuredClone(record));
  }
  async getBuild(id: string) {
    return structuredClone(this.builds.get(id));
  }
  async putRun(record: TestRunRecord) {
    this.runs.set(record.id, structuredClone(record));
  }
  async getRun(id: string) {
    return structuredClone(this.runs.get(id));
  }
  async listRuns(history: RunHistory, limit: number) {
    return [...this.runs.values()]
      .filter((r) => JSON.stringify(historyOf(r)) === JSON.stringify(history))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit);
  }
  async putProgress(kind: ProgressKind, id: string, progress: Progress) {
    this.progress.set(`${kind}#${id}`, structuredClone(progress));
  }
  async getProgress(kind: ProgressKind, id: string) {
    return structuredClone(this.progress.get(`${kind}#${id}`));
  }
  async putConversation(record: ConversationRecord) {
    this.conversations.set(record.id, structuredClone(record));
  }
  async getConversation(id: string) {
    return structuredClone(this.conversations.get(id));
  }
  async listConversationsOfGeneration(generationId: string) {
    return [...this.conversations.values()].filter((c) => c.generationId === generationId);
  }
  async listTurns(conversationId: string) {
    return [...this.runs.values()]
      .filter((r) => r.conversationId === conversationId)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
  async enqueueTurn(conversationId: string, turn: QueuedTurn) {
    this.queues.set(conversationId, [...(this.queues.get(conversationId) ?? []), turn]);
  }
  async takeTurn(conversationId: string) {
    return this.queues.get(conversationId)?.shift();
  }
  async requestTurnCancel(conversationId: string, runId: string) {
    this.cancels.add(`${conversationId}#${runId}`);
  }
  async turnCancelRequested(conversationId: string, runId: string) {
    return this.cancels.has(`${conversationId}#${runId}`);
  }
  async putConnection(id: string, owner: string) {
    this.connections.set(id, owner);
  }
  async getConnectionOwner(id: string) {
    return this.connections.get(id);
  }
  async deleteConnection(id: string) {
    this.connections.delete(id);
  }
  async putGeneration(record: GenerationRecord) {
    this.generationRecords.set(record.id, record);
  }
  async getGeneration(id: string) {
    return this.generationRecords.get(id);
  }
  async getCached() {
    return undefined;
  }
  async putCached() {}
  async put(key: string, body: Uint8Array | string) {
    this.objects.set(key, typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }
  async get(key: string) {
    return this.objects.get(key);
  }
  async hit() {}
}
