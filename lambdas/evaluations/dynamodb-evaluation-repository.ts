import type { DynamoDbTable } from '../core/adapters/dynamodb-table.ts';
import { historyOf, type RunHistory } from '../testing/ports.ts';
import type { EvaluationRecord, StoredSuite } from './model.ts';
import type { EvaluationRepository } from './ports.ts';

const historyKey = (history: RunHistory) =>
  'sessionId' in history ? `SESSION#${history.sessionId}` : `GENERATION#${history.generationId}`;

/**
 * Suites and evaluation runs in the single table: a session's suite is `SESSION#id / EVALSUITE`; a run
 * is `EVALRUN#id / META` plus its history entry `SESSION#id / EVAL#ts#id` (or `GENERATION#id / EVAL#…`).
 * Large results live in S3 (the service keeps only their key here).
 */
export class DynamoDbEvaluationRepository implements EvaluationRepository {
  constructor(private readonly table: DynamoDbTable) {}

  async putSuite(owner: string, suite: StoredSuite): Promise<void> {
    await this.table.put({
      PK: `SESSION#${suite.sessionId}`,
      SK: 'EVALSUITE',
      type: 'eval-suite',
      owner,
      data: suite,
    });
  }

  async getSuite(sessionId: string): Promise<(StoredSuite & { owner: string }) | undefined> {
    const item = await this.table.get({ PK: `SESSION#${sessionId}`, SK: 'EVALSUITE' }, { consistent: true });
    return item ? { ...(item.data as StoredSuite), owner: item.owner as string } : undefined;
  }

  async putRun(record: EvaluationRecord): Promise<void> {
    await this.table.put({ PK: `EVALRUN#${record.id}`, SK: 'META', type: 'eval-run', data: record });
    const { result: _result, ...entry } = record;
    await this.table.put({
      PK: historyKey(historyOf(record)),
      SK: `EVAL#${record.createdAt}#${record.id}`,
      type: 'eval-run-entry',
      data: { ...entry, summary: record.result?.summary },
    });
  }

  async getRun(id: string): Promise<EvaluationRecord | undefined> {
    const item = await this.table.get({ PK: `EVALRUN#${id}`, SK: 'META' }, { consistent: true });
    return item?.data as EvaluationRecord | undefined;
  }

  async listRuns(history: RunHistory, limit: number): Promise<EvaluationRecord[]> {
    const items = await this.table.query({
      partition: historyKey(history),
      sortKeyPrefix: 'EVAL#',
      descending: true,
      limit,
      consistent: true,
    });
    return items.map((item) => item.data as EvaluationRecord);
  }
}
