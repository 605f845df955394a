import type { PlatformConfig } from '../config.ts';
import { DynamoDbStore } from './dynamodb.ts';
import { S3ArtifactStore } from './s3.ts';

/** The platform's table and bucket adapters, from its configuration (emulator endpoints locally). */
export function dataAdapters(config: PlatformConfig): { db: DynamoDbStore; store: S3ArtifactStore } {
  return {
    db: DynamoDbStore.create({
      table: config.TABLE_NAME,
      region: config.AWS_REGION,
      endpoint: config.DYNAMODB_ENDPOINT,
    }),
    store: S3ArtifactStore.create({
      bucket: config.ARTIFACTS_BUCKET,
      region: config.AWS_REGION,
      endpoint: config.S3_ENDPOINT,
    }),
  };
}
