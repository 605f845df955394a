import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { PayloadTooLargeError } from '../errors.ts';
import { AWS_RETRY } from './aws-retry.ts';

/** The primary key of an item of the single table. */
export interface TableKey {
  PK: string;
  SK: string;
}

/** An item: its key and any other attributes (plain JSON values; undefined ones are left out). */
export type TableItem = TableKey & Record<string, unknown>;

/** DynamoDB's largest item, in bytes (400 KB). */
export const MAX_ITEM_BYTES = 400 * 1024;

/**
 * The size DynamoDB counts for a value, in bytes, by its published rules: strings their UTF-8 bytes,
 * numbers up to 21, booleans and nulls 1, lists and maps 3 plus 1 per element plus their elements
 * (a map's keys too); undefined attributes are left out.
 */
export function dynamoSize(value: unknown): number {
  if (value === undefined) return 0;
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number')
    return Math.min(21, Math.ceil(String(Math.abs(value)).replace('.', '').length / 2) + 1);
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + dynamoSize(v), 0);
  if (typeof value === 'object')
    return (
      3 +
      Object.entries(value).reduce(
        (sum, [k, v]) => (v === undefined ? sum : sum + 1 + Buffer.byteLength(k) + dynamoSize(v)),
        0,
      )
    );
  return Buffer.byteLength(String(value));
}

/** The size DynamoDB counts for an item: its attribute names and values. */
export const itemSize = (item: TableItem) =>
  Object.entries(item).reduce(
    (sum, [k, v]) => (v === undefined ? sum : sum + Buffer.byteLength(k) + dynamoSize(v)),
    0,
  );

/** An item larger than DynamoDB stores: the caller says what to trim (PayloadTooLargeError, 413). */
function refuseOversized(item: TableItem): void {
  const size = itemSize(item);
  if (size > MAX_ITEM_BYTES)
    throw new PayloadTooLargeError(
      `this would store ${Math.ceil(size / 1024)} KB in one record, over DynamoDB's 400 KB item limit; send less`,
    );
}

/**
 * What a conditional put requires of the stored item: that there is none, or that its `version`
 * attribute is the given one (dynalite has no transactions, so versions guard concurrent writes).
 */
export type PutCondition = { absent: true } | { version: number };

/** A query of one partition, of the table (PK/SK) or of GSI1 (GSI1PK/GSI1SK). */
export interface TableQuery {
  index?: 'GSI1';
  partition: string;
  /** Only items whose sort key starts with this. */
  sortKeyPrefix?: string;
  /** Descending sort key order (newest first for time-prefixed keys). */
  descending?: boolean;
  limit: number;
  /** Strongly consistent (the table only; GSIs are eventually consistent). */
  consistent?: boolean;
}

const conditionFailed = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error as Error).name === 'ConditionalCheckFailedException';

/**
 * The platform's single table (DESIGN.md, "Data"), with no knowledge of what its items mean: the
 * features' repositories decide keys and attributes, this owns the AWS SDK and its emulator quirks.
 */
export class DynamoDbTable {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  static create(options: {
    table: string;
    region: string;
    endpoint?: string;
    credentials?: { accessKeyId: string; secretAccessKey: string };
  }): DynamoDbTable {
    return new DynamoDbTable(
      new DynamoDBClient({
        region: options.region,
        ...AWS_RETRY,
        ...(options.credentials ? { credentials: options.credentials } : {}),
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      }),
      options.table,
    );
  }

  /** The item at `key`, if any. */
  async get(
    key: TableKey,
    options: { consistent?: boolean } = {},
  ): Promise<Record<string, unknown> | undefined> {
    const result = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: key,
        ...(options.consistent ? { ConsistentRead: true } : {}),
      }),
    );
    return result.Item;
  }

  /** Writes `item`, replacing whatever was at its key. */
  async put(item: TableItem): Promise<void> {
    refuseOversized(item);
    await this.doc.send(new PutCommand({ TableName: this.table, Item: item }));
  }

  /** Writes `item` only if the stored item meets `condition`; false (nothing written) when it does not. */
  async putIf(item: TableItem, condition: PutCondition): Promise<boolean> {
    refuseOversized(item);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ...('absent' in condition
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : {
                ConditionExpression: 'version = :expected',
                ExpressionAttributeValues: { ':expected': condition.version },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  /** The items of one partition, in sort key order (or its reverse), at most `limit` of them. */
  async query(query: TableQuery): Promise<Record<string, unknown>[]> {
    const [pk, sk] = query.index ? [`${query.index}PK`, `${query.index}SK`] : ['PK', 'SK'];
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        ...(query.index ? { IndexName: query.index } : {}),
        KeyConditionExpression:
          query.sortKeyPrefix === undefined ? `${pk} = :pk` : `${pk} = :pk AND begins_with(${sk}, :prefix)`,
        ExpressionAttributeValues: {
          ':pk': query.partition,
          ...(query.sortKeyPrefix === undefined ? {} : { ':prefix': query.sortKeyPrefix }),
        },
        ScanIndexForward: !query.descending,
        Limit: query.limit,
        ...(query.consistent ? { ConsistentRead: true } : {}),
      }),
    );
    return result.Items ?? [];
  }

  /** Every item of one partition, following DynamoDB's pages (for deletes: a partition is one owner's data). */
  async queryAll(partition: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': partition },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async delete(key: TableKey): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: key }));
  }

  /**
   * Atomically appends `value` (one use, or several at once) to the list attribute `uses` unless the
   * list would then hold more than `limit` entries, bumps the item's `version` (so a conditional rewrite sees the append) and sets its
   * `expiresAt` (epoch seconds, the table's TTL attribute). False when the list was full. Concurrent
   * appends never conflict: there is no read before the write.
   */
  async appendBelow(
    key: TableKey,
    value: number | number[],
    limit: number,
    expiresAt: number,
  ): Promise<boolean> {
    const values = Array.isArray(value) ? value : [value];
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression:
            'SET uses = list_append(if_not_exists(uses, :empty), :value), expiresAt = :expires ADD version :one',
          ConditionExpression: 'attribute_not_exists(uses) OR size(uses) <= :room',
          ExpressionAttributeValues: {
            ':empty': [],
            ':value': values,
            ':room': limit - values.length,
            ':expires': expiresAt,
            ':one': 1,
          },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  /**
   * Atomically adds one to the `uses` counter at `key` unless it has reached `limit`, and sets the
   * item's `expiresAt` (epoch seconds, the table's TTL attribute). False when the limit was reached.
   */
  async incrementBelow(key: TableKey, limit: number, expiresAt: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'ADD uses :one SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(uses) OR uses < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expires': expiresAt },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }
}
