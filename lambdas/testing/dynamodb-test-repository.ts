import type { DynamoDbTable } from '../core/adapters/dynamodb-table.ts';
import type { BuildRecord, ConversationRecord, Progress, TestRunRecord } from './model.ts';
import {
  historyOf,
  type ProgressKind,
  type QueuedTurn,
  type RunHistory,
  type TestRepository,
} from './ports.ts';

const PROGRESS_PREFIX: Record<ProgressKind, string> = {
  build: 'BUILD',
  run: 'TESTRUN',
  conversation: 'CONVERSATION',
};

/** The partition of a history: the session's own, or the generation's for runs made without a session. */
const historyKey = (history: RunHistory) =>
  'sessionId' in history ? `SESSION#${history.sessionId}` : `GENERATION#${history.generationId}`;

/**
 * Builds, test runs and WebSocket connections in the single table. Builds are `BUILD#id / META`; a
 * test run is `TESTRUN#id / META` plus its history entry `SESSION#id / TEST#ts#id` (or
 * `GENERATION#id / TEST#…` for a generation made without a session), and a build is linked from its
 * generation as `GENERATION#id / BUILD#id`; the progress of a build or run
 * still going is `BUILD#id / PROGRESS` or `TESTRUN#id / PROGRESS` (the runner's own item, with a TTL,
 * so its frequent writes never race the record's outcome); connections are
 * `CONNECTION#id / META` with a TTL. A conversation is `CONVERSATION#id / META`, its turns (copies
 * of their runs) `CONVERSATION#id / RUN#ts#id`, the turns waiting for its runner
 * `CONVERSATION#id / QUEUE#ts#id`, a turn asked to stop `CONVERSATION#id / CANCEL#id`, and its entry in its generation's
 * partition `GENERATION#id / CONVERSATION#id`.
 */
export class DynamoDbTestRepository implements TestRepository {
  constructor(private readonly table: DynamoDbTable) {}

  async putBuild(record: BuildRecord): Promise<void> {
    await this.table.put({ PK: `BUILD#${record.id}`, SK: 'META', type: 'build', data: record });
    // Linked from its generation, so deleting an agent finds every build of its generations.
    await this.table.put({
      PK: `GENERATION#${record.generationId}`,
      SK: `BUILD#${record.id}`,
      type: 'build-link',
      buildId: record.id,
    });
  }

  async getBuild(id: string): Promise<BuildRecord | undefined> {
    const item = await this.table.get({ PK: `BUILD#${id}`, SK: 'META' }, { consistent: true });
    return item?.data as BuildRecord | undefined;
  }

  async putRun(record: TestRunRecord): Promise<void> {
    await this.table.put({ PK: `TESTRUN#${record.id}`, SK: 'META', type: 'test-run', data: record });
    await this.table.put({
      PK: historyKey(historyOf(record)),
      SK: `TEST#${record.createdAt}#${record.id}`,
      type: 'test-run-entry',
      data: record,
    });
    if (record.conversationId)
      await this.table.put({
        PK: `CONVERSATION#${record.conversationId}`,
        SK: `RUN#${record.createdAt}#${record.id}`,
        type: 'conversation-turn',
        data: record,
      });
  }

  async getRun(id: string): Promise<TestRunRecord | undefined> {
    const item = await this.table.get({ PK: `TESTRUN#${id}`, SK: 'META' }, { consistent: true });
    return item?.data as TestRunRecord | undefined;
  }

  async listRuns(history: RunHistory, limit: number): Promise<TestRunRecord[]> {
    const items = await this.table.query({
      partition: historyKey(history),
      sortKeyPrefix: 'TEST#',
      descending: true,
      limit,
      consistent: true,
    });
    return items.map((item) => item.data as TestRunRecord);
  }

  async putProgress(kind: ProgressKind, id: string, progress: Progress): Promise<void> {
    await this.table.put({
      PK: `${PROGRESS_PREFIX[kind]}#${id}`,
      SK: 'PROGRESS',
      type: `${kind}-progress`,
      data: progress,
      expiresAt: Math.floor(Date.now() / 1000) + 86_400,
    });
  }

  async getProgress(kind: 'build' | 'run', id: string): Promise<Progress | undefined> {
    const item = await this.table.get({
      PK: `${kind === 'build' ? 'BUILD' : 'TESTRUN'}#${id}`,
      SK: 'PROGRESS',
    });
    return item?.data as Progress | undefined;
  }

  async putConnection(connectionId: string, owner: string): Promise<void> {
    await this.table.put({
      PK: `CONNECTION#${connectionId}`,
      SK: 'META',
      type: 'connection',
      owner,
      // API Gateway closes WebSocket connections after 2 hours at most.
      expiresAt: Math.floor(Date.now() / 1000) + 7_200,
    });
  }

  async getConnectionOwner(connectionId: string): Promise<string | undefined> {
    const item = await this.table.get({ PK: `CONNECTION#${connectionId}`, SK: 'META' });
    return item?.owner as string | undefined;
  }

  async deleteConnection(connectionId: string): Promise<void> {
    await this.table.delete({ PK: `CONNECTION#${connectionId}`, SK: 'META' });
  }

  async putConversation(record: ConversationRecord): Promise<void> {
    await this.table.put({ PK: `CONVERSATION#${record.id}`, SK: 'META', type: 'conversation', data: record });
    await this.table.put({
      PK: `GENERATION#${record.generationId}`,
      SK: `CONVERSATION#${record.id}`,
      type: 'conversation-entry',
      id: record.id,
    });
  }

  async listConversationsOfGeneration(generationId: string): Promise<ConversationRecord[]> {
    const entries = await this.table.query({
      partition: `GENERATION#${generationId}`,
      sortKeyPrefix: 'CONVERSATION#',
      limit: 100,
      consistent: true,
    });
    const records = await Promise.all(entries.map((e) => this.getConversation(String(e.id))));
    return records.filter((r): r is ConversationRecord => r !== undefined);
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    const item = await this.table.get({ PK: `CONVERSATION#${id}`, SK: 'META' }, { consistent: true });
    return item?.data as ConversationRecord | undefined;
  }

  async listTurns(conversationId: string): Promise<TestRunRecord[]> {
    const items = await this.table.query({
      partition: `CONVERSATION#${conversationId}`,
      sortKeyPrefix: 'RUN#',
      limit: 200,
      consistent: true,
    });
    return items.map((item) => item.data as TestRunRecord);
  }

  async enqueueTurn(conversationId: string, turn: QueuedTurn): Promise<void> {
    await this.table.put({
      PK: `CONVERSATION#${conversationId}`,
      SK: `QUEUE#${turn.requestedAt}#${turn.runId}`,
      type: 'conversation-queue',
      data: turn,
    });
  }

  async takeTurn(conversationId: string): Promise<QueuedTurn | undefined> {
    const [item] = await this.table.query({
      partition: `CONVERSATION#${conversationId}`,
      sortKeyPrefix: 'QUEUE#',
      limit: 1,
      consistent: true,
    });
    if (!item) return undefined;
    await this.table.delete({ PK: item.PK as string, SK: item.SK as string });
    return item.data as QueuedTurn;
  }

  async requestTurnCancel(conversationId: string, runId: string): Promise<void> {
    await this.table.put({
      PK: `CONVERSATION#${conversationId}`,
      SK: `CANCEL#${runId}`,
      type: 'conversation-cancel',
      expiresAt: Math.floor(Date.now() / 1000) + 86_400,
    });
  }

  async turnCancelRequested(conversationId: string, runId: string): Promise<boolean> {
    const item = await this.table.get({ PK: `CONVERSATION#${conversationId}`, SK: `CANCEL#${runId}` });
    return item !== undefined;
  }
}
