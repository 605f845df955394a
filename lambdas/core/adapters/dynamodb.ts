import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Session } from '../../sessions/model.ts';
import type {
  GenerationRecord,
  GenerationRepository,
  RateLimiter,
  SessionRepository,
} from '../../sessions/ports.ts';
import type { BuildRecord, TestRunRecord } from '../../testing/model.ts';
import { historyOf, type RunHistory, type TestRepository } from '../../testing/ports.ts';
import { ConflictError, RateLimitedError } from '../errors.ts';

/**
 * The single table (DESIGN.md, "Data"): `SESSION#id / META` holds a session's whole state so one
 * conditional write versions it (dynalite has no transactions); GSI1 `OWNER#sub / UPDATED#ts` lists a
 * user's sessions. Generations are `GENERATION#id / META`, the cache `GENCACHE#key / META`, rate
 * counters `RATE#sub#action / HOUR#n` with a TTL. Builds are `BUILD#id / META`; a test run is
 * `TESTRUN#id / META` plus its history entry `SESSION#id / TEST#ts#id` (or `GENERATION#id / TEST#…`
 * for a generation made without a session); WebSocket connections `CONNECTION#id / META` with a TTL.
 */
/** The partition of a history: the session's own, or the generation's for runs made without a session. */
const historyKey = (history: RunHistory) =>
  'sessionId' in history ? `SESSION#${history.sessionId}` : `GENERATION#${history.generationId}`;

export class DynamoDbStore implements SessionRepository, GenerationRepository, RateLimiter, TestRepository {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  static create(options: { table: string; region: string; endpoint?: string }): DynamoDbStore {
    return new DynamoDbStore(
      new DynamoDBClient({
        region: options.region,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      }),
      options.table,
    );
  }

  private sessionItem(session: Session) {
    return {
      PK: `SESSION#${session.id}`,
      SK: 'META',
      GSI1PK: `OWNER#${session.owner}`,
      GSI1SK: `UPDATED#${session.updatedAt}#${session.id}`,
      type: 'session',
      data: session,
      version: session.version,
    };
  }

  async create(session: Session): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: this.sessionItem(session),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async get(id: string): Promise<Session | undefined> {
    const result = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: `SESSION#${id}`, SK: 'META' },
        ConsistentRead: true,
      }),
    );
    return result.Item?.data as Session | undefined;
  }

  async listByOwner(owner: string, limit: number): Promise<Session[]> {
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :owner',
        ExpressionAttributeValues: { ':owner': `OWNER#${owner}` },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((item) => item.data as Session);
  }

  async save(session: Session, expectedVersion: number): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: this.sessionItem(session),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error).name === 'ConditionalCheckFailedException'
      ) {
        throw new ConflictError(
          `session ${session.id} changed since version ${expectedVersion}; reload it and apply your change again`,
        );
      }
      throw error;
    }
  }

  async putGeneration(record: GenerationRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { PK: `GENERATION#${record.id}`, SK: 'META', type: 'generation', data: record },
      }),
    );
    if (record.sessionId) {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            PK: `SESSION#${record.sessionId}`,
            SK: `GENERATION#${record.createdAt}#${record.id}`,
            type: 'generation-link',
            generationId: record.id,
            status: record.status,
          },
        }),
      );
    }
  }

  async getGeneration(id: string): Promise<GenerationRecord | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { PK: `GENERATION#${id}`, SK: 'META' } }),
    );
    return result.Item?.data as GenerationRecord | undefined;
  }

  async getCached(cacheKey: string): Promise<string | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { PK: `GENCACHE#${cacheKey}`, SK: 'META' } }),
    );
    return result.Item?.generationId as string | undefined;
  }

  async putCached(cacheKey: string, generationId: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { PK: `GENCACHE#${cacheKey}`, SK: 'META', type: 'cache', generationId },
      }),
    );
  }

  async hit(owner: string, action: string, limit: number): Promise<void> {
    const now = Date.now();
    const hour = Math.floor(now / 3_600_000);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { PK: `RATE#${owner}#${action}`, SK: `HOUR#${hour}` },
          UpdateExpression: 'ADD uses :one SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(uses) OR uses < :limit',
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': limit,
            ':expires': Math.floor(now / 1000) + 7200,
          },
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        const retryAfter = Math.ceil(((hour + 1) * 3_600_000 - now) / 1000);
        throw new RateLimitedError(
          `you can ${action} at most ${limit} times an hour; try again in ${Math.ceil(retryAfter / 60)} minutes`,
          retryAfter,
        );
      }
      throw error;
    }
  }

  async putBuild(record: BuildRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { PK: `BUILD#${record.id}`, SK: 'META', type: 'build', data: record },
      }),
    );
  }

  async getBuild(id: string): Promise<BuildRecord | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { PK: `BUILD#${id}`, SK: 'META' }, ConsistentRead: true }),
    );
    return result.Item?.data as BuildRecord | undefined;
  }

  async putRun(record: TestRunRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { PK: `TESTRUN#${record.id}`, SK: 'META', type: 'test-run', data: record },
      }),
    );
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          PK: historyKey(historyOf(record)),
          SK: `TEST#${record.createdAt}#${record.id}`,
          type: 'test-run-entry',
          data: record,
        },
      }),
    );
  }

  async getRun(id: string): Promise<TestRunRecord | undefined> {
    const result = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: `TESTRUN#${id}`, SK: 'META' },
        ConsistentRead: true,
      }),
    );
    return result.Item?.data as TestRunRecord | undefined;
  }

  async listRuns(history: RunHistory, limit: number): Promise<TestRunRecord[]> {
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'PK = :scope AND begins_with(SK, :test)',
        ExpressionAttributeValues: { ':scope': historyKey(history), ':test': 'TEST#' },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (result.Items ?? []).map((item) => item.data as TestRunRecord);
  }

  async putConnection(connectionId: string, owner: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          PK: `CONNECTION#${connectionId}`,
          SK: 'META',
          type: 'connection',
          owner,
          // API Gateway closes WebSocket connections after 2 hours at most.
          expiresAt: Math.floor(Date.now() / 1000) + 7_200,
        },
      }),
    );
  }

  async getConnectionOwner(connectionId: string): Promise<string | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { PK: `CONNECTION#${connectionId}`, SK: 'META' } }),
    );
    return result.Item?.owner as string | undefined;
  }

  async deleteConnection(connectionId: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: { PK: `CONNECTION#${connectionId}`, SK: 'META' } }),
    );
  }
}
