import type { DynamoDbTable, TableKey } from '../core/adapters/dynamodb-table.ts';
import type { ArtifactDeleter } from '../core/ports.ts';
import type { GenerationRecord } from '../generate/ports.ts';
import type { DeletedSession, Session } from '../sessions/model.ts';
import type { SessionPurge } from '../sessions/ports.ts';
import type { BuildRecord, TestRunRecord } from './model.ts';

const key = (item: Record<string, unknown>): TableKey => ({ PK: String(item.PK), SK: String(item.SK) });

/**
 * What an agent (a session) made, found from its own partition and deleted from the single table and
 * the bucket: its history entries (`SESSION#id / …`), its generations (`GENERATION#id`, their build
 * links and cache entries, files under `generations/<id>/`), their builds (`BUILD#id`) and test runs
 * (`TESTRUN#id`, files under `tests/<id>/`). Each record is checked to be this session's owner's
 * before anything of it goes; a generation's files are deleted by its own id only, so a cache hit that
 * points at another generation's files never removes them.
 */
export class DynamoDbSessionPurge implements SessionPurge {
  constructor(
    private readonly table: DynamoDbTable,
    private readonly store: ArtifactDeleter,
  ) {}

  async purge(session: Session): Promise<DeletedSession['removed']> {
    const keys: TableKey[] = [];
    const prefixes: string[] = [];
    const generationIds = new Set(session.generationIds);
    const runIds = new Set<string>();
    const buildIds = new Set<string>();
    const noteRun = (run: TestRunRecord | undefined) => {
      if (!run) return;
      runIds.add(run.id);
      buildIds.add(run.buildId);
    };

    for (const item of await this.table.queryAll(`SESSION#${session.id}`)) {
      if (item.SK === 'META') continue; // the session itself goes last, through its repository
      keys.push(key(item));
      if (item.type === 'generation-link') generationIds.add(String(item.generationId));
      if (item.type === 'test-run-entry') noteRun(item.data as TestRunRecord);
    }

    for (const id of generationIds) {
      const items = await this.table.queryAll(`GENERATION#${id}`);
      const record = items.find((item) => item.SK === 'META')?.data as GenerationRecord | undefined;
      if (record && (record.owner !== session.owner || record.sessionId !== session.id)) continue;
      for (const item of items) {
        keys.push(key(item));
        if (item.type === 'build-link') buildIds.add(String(item.buildId));
        if (item.type === 'test-run-entry') noteRun(item.data as TestRunRecord);
      }
      prefixes.push(`generations/${id}/`);
      if (record?.cacheKey) {
        const cacheKey = { PK: `GENCACHE#${record.cacheKey}`, SK: 'META' };
        const entry = await this.table.get(cacheKey);
        if (entry && generationIds.has(String(entry.generationId))) keys.push(cacheKey);
      }
    }

    for (const id of buildIds) {
      const build = (await this.table.get({ PK: `BUILD#${id}`, SK: 'META' }))?.data as
        | BuildRecord
        | undefined;
      if (build && build.owner !== session.owner) continue;
      if (build) keys.push({ PK: `BUILD#${id}`, SK: 'META' });
      prefixes.push(`tests/${id}/`);
    }
    for (const id of runIds) {
      const run = (await this.table.get({ PK: `TESTRUN#${id}`, SK: 'META' }))?.data as
        | TestRunRecord
        | undefined;
      if (run && run.owner !== session.owner) continue;
      if (run) keys.push({ PK: `TESTRUN#${id}`, SK: 'META' });
      prefixes.push(`tests/${id}/`);
    }

    // Files first: a delete that fails half-way still has the records that lead to what is left.
    let files = 0;
    for (const prefix of prefixes) files += await this.store.deletePrefix(prefix);
    for (const itemKey of keys) await this.table.delete(itemKey);
    return { records: keys.length, files };
  }
}
