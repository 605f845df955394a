import type { DynamoDbTable } from '../core/adapters/dynamodb-table.ts';
import type { GenerationRecord, GenerationRepository } from './ports.ts';

/**
 * Generations in the single table: `GENERATION#id / META`, linked from their session's history as
 * `SESSION#id / GENERATION#ts#id`; the cache maps `GENCACHE#key / META` to a generation id.
 */
export class DynamoDbGenerationRepository implements GenerationRepository {
  constructor(private readonly table: DynamoDbTable) {}

  async putGeneration(record: GenerationRecord): Promise<void> {
    await this.table.put({ PK: `GENERATION#${record.id}`, SK: 'META', type: 'generation', data: record });
    if (record.sessionId) {
      await this.table.put({
        PK: `SESSION#${record.sessionId}`,
        SK: `GENERATION#${record.createdAt}#${record.id}`,
        type: 'generation-link',
        generationId: record.id,
        status: record.status,
      });
    }
  }

  async getGeneration(id: string): Promise<GenerationRecord | undefined> {
    const item = await this.table.get({ PK: `GENERATION#${id}`, SK: 'META' });
    return item?.data as GenerationRecord | undefined;
  }

  async getCached(cacheKey: string): Promise<string | undefined> {
    const item = await this.table.get({ PK: `GENCACHE#${cacheKey}`, SK: 'META' });
    return item?.generationId as string | undefined;
  }

  async putCached(cacheKey: string, generationId: string): Promise<void> {
    await this.table.put({ PK: `GENCACHE#${cacheKey}`, SK: 'META', type: 'cache', generationId });
  }
}
