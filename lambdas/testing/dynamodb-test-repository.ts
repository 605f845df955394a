import type { DynamoDbTable } from '../core/adapters/dynamodb-table.ts';
import type { BuildRecord, TestRunRecord } from './model.ts';
import { historyOf, type RunHistory, type TestRepository } from './ports.ts';

/** The partition of a history: the session's own, or the generation's for runs made without a session. */
const historyKey = (history: RunHistory) =>
  'sessionId' in history ? `SESSION#${history.sessionId}` : `GENERATION#${history.generationId}`;

/**
 * Builds, test runs and WebSocket connections in the single table. Builds are `BUILD#id / META`; a
 * test run is `TESTRUN#id / META` plus its history entry `SESSION#id / TEST#ts#id` (or
 * `GENERATION#id / TEST#…` for a generation made without a session), and a build is linked from its
 * generation as `GENERATION#id / BUILD#id`; connections are
 * `CONNECTION#id / META` with a TTL.
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
}
