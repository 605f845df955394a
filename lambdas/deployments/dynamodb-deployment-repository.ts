import type { DeploymentTarget } from '../agent-spec/schema.ts';
import type { DynamoDbTable } from '../core/adapters/dynamodb-table.ts';
import type { DeploymentRecord, DeploymentRepository, Versioned } from './ports.ts';

/**
 * The latest deployment per session and target in the single table, `SESSION#id / DEPLOYMENT#target`:
 * in the session's partition, so deleting the agent removes it with the rest. Each write is
 * conditional on the item's version.
 */
export class DynamoDbDeploymentRepository implements DeploymentRepository {
  constructor(private readonly table: DynamoDbTable) {}

  async get(sessionId: string, target: DeploymentTarget): Promise<Versioned<DeploymentRecord> | undefined> {
    const item = await this.table.get(
      { PK: `SESSION#${sessionId}`, SK: `DEPLOYMENT#${target}` },
      { consistent: true },
    );
    return item ? { value: item.data as DeploymentRecord, version: item.version as number } : undefined;
  }

  async list(sessionId: string): Promise<DeploymentRecord[]> {
    const items = await this.table.query({
      partition: `SESSION#${sessionId}`,
      sortKeyPrefix: 'DEPLOYMENT#',
      limit: 10,
      consistent: true,
    });
    return items.map((item) => item.data as DeploymentRecord);
  }

  put(record: DeploymentRecord, expectedVersion: number): Promise<boolean> {
    return this.table.putIf(
      {
        PK: `SESSION#${record.sessionId}`,
        SK: `DEPLOYMENT#${record.target}`,
        type: 'deployment',
        version: expectedVersion + 1,
        data: record,
      },
      expectedVersion === 0 ? { absent: true } : { version: expectedVersion },
    );
  }
}
