import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { EMULATOR_CREDENTIALS } from '../core/config.ts';

export interface Emulators {
  dynamodbEndpoint: string;
  s3Endpoint: string;
  close(): Promise<void>;
}

const listen = (server: Server, port: number) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

/** The platform table as CDK declares it: PK/SK, GSI1 for a user's sessions. */
export const TABLE_DEFINITION = {
  AttributeDefinitions: [
    { AttributeName: 'PK', AttributeType: 'S' },
    { AttributeName: 'SK', AttributeType: 'S' },
    { AttributeName: 'GSI1PK', AttributeType: 'S' },
    { AttributeName: 'GSI1SK', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'PK', KeyType: 'HASH' },
    { AttributeName: 'SK', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'GSI1',
      KeySchema: [
        { AttributeName: 'GSI1PK', KeyType: 'HASH' },
        { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST',
} as const;

/**
 * Starts dynalite and s3rver with their data under `dataDir` (or in memory when it is undefined), and
 * creates the table and bucket on first run. Ports 0 pick free ones.
 */
export async function startEmulators(options: {
  dataDir?: string;
  table: string;
  bucket: string;
  region: string;
}): Promise<Emulators> {
  const dynamoServer: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir ? { path: join(options.dataDir, 'dynamodb') } : {}),
  });
  const dynamoPort = await listen(dynamoServer, 0);
  const s3Dir = options.dataDir
    ? join(options.dataDir, 's3')
    : join(tmpdir(), `agent-builder-s3-${process.pid}-${Date.now()}`);
  mkdirSync(s3Dir, { recursive: true });
  const s3 = new S3rver({ port: 0, address: '127.0.0.1', directory: s3Dir, silent: true });
  const { port: s3Port } = (await s3.run()) as AddressInfo;
  const dynamodbEndpoint = `http://127.0.0.1:${dynamoPort}`;
  const s3Endpoint = `http://127.0.0.1:${s3Port}`;
  const credentials = EMULATOR_CREDENTIALS;

  const db = new DynamoDBClient({ region: options.region, endpoint: dynamodbEndpoint, credentials });
  try {
    await db.send(new DescribeTableCommand({ TableName: options.table }));
  } catch (error) {
    if (
      !(error instanceof ResourceNotFoundException) &&
      (error as Error).name !== 'ResourceNotFoundException'
    )
      throw error;
    await db.send(
      new CreateTableCommand({ TableName: options.table, ...structuredClone(TABLE_DEFINITION) } as never),
    );
  }
  const s3Client = new S3Client({
    region: options.region,
    endpoint: s3Endpoint,
    forcePathStyle: true,
    credentials,
  });
  try {
    await s3Client.send(new HeadBucketCommand({ Bucket: options.bucket }));
  } catch {
    await s3Client.send(new CreateBucketCommand({ Bucket: options.bucket }));
  }
  db.destroy();
  s3Client.destroy();
  return {
    dynamodbEndpoint,
    s3Endpoint,
    async close() {
      await s3.close();
      await new Promise<void>((resolve) => dynamoServer.close(() => resolve()));
    },
  };
}
