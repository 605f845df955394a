import type { BuildRecord, ConversationRecord, Progress, TestRunRecord } from './model.ts';

/** Whose history a run is in: its session's, or its generation's when it was made without one. */
export type RunHistory = { sessionId: string } | { generationId: string };

/** The history a run belongs to. */
export const historyOf = (run: Pick<TestRunRecord, 'sessionId' | 'generationId'>): RunHistory =>
  run.sessionId ? { sessionId: run.sessionId } : { generationId: run.generationId };

/** What a progress item belongs to. */
export type ProgressKind = 'build' | 'run' | 'conversation';

/** Builds, test runs and WebSocket connections (DynamoDB in AWS, dynalite locally, Maps in tests). */
export interface TestRepository extends ConversationRepository {
  putBuild(record: BuildRecord): Promise<void>;
  getBuild(id: string): Promise<BuildRecord | undefined>;
  /** Stores the run and its entry in the history of its session (or generation). */
  putRun(record: TestRunRecord): Promise<void>;
  getRun(id: string): Promise<TestRunRecord | undefined>;
  /** The runs of a session's history (or of a generation made without a session), newest first. */
  listRuns(history: RunHistory, limit: number): Promise<TestRunRecord[]>;
  /** How far a build or run has got (written by the runner as it goes, beside the record). */
  putProgress(kind: ProgressKind, id: string, progress: Progress): Promise<void>;
  getProgress(kind: ProgressKind, id: string): Promise<Progress | undefined>;
  putConnection(connectionId: string, owner: string): Promise<void>;
  getConnectionOwner(connectionId: string): Promise<string | undefined>;
  deleteConnection(connectionId: string): Promise<void>;
}

/** Slots for concurrent runner tasks, capped per user and in total. */
export interface RunnerSlots {
  /** Takes a slot for `id` until its deadline; RateLimitedError (429) when the user or the platform is at its cap. */
  acquire(owner: string, id: string, until: Date): Promise<void>;
  /** Gives the slot back (the task reported, failed or was cancelled). */
  release(owner: string, id: string): Promise<void>;
}

/** A turn waiting for a conversation's runner to take it. */
export interface QueuedTurn {
  runId: string;
  input: string;
  requestedAt: string;
  connectionId?: string;
}

/**
 * Conversations with warm agents: the record, its turns (runs), the queue its runner takes turns from
 * and the turns asked to stop. The same table in AWS (the Fargate runner polls it) and locally.
 */
export interface ConversationRepository {
  putConversation(record: ConversationRecord): Promise<void>;
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  /** The conversations started on builds of a generation (to end them when it is built again). */
  listConversationsOfGeneration(generationId: string): Promise<ConversationRecord[]>;
  /** The runs of a conversation, oldest first. */
  listTurns(conversationId: string): Promise<TestRunRecord[]>;
  enqueueTurn(conversationId: string, turn: QueuedTurn): Promise<void>;
  /** Takes the oldest queued turn off the queue (one runner per conversation takes them). */
  takeTurn(conversationId: string): Promise<QueuedTurn | undefined>;
  requestTurnCancel(conversationId: string, runId: string): Promise<void>;
  turnCancelRequested(conversationId: string, runId: string): Promise<boolean>;
}
