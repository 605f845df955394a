import { EMULATOR_CREDENTIALS, type PlatformConfig } from '../config.ts';
import { DynamoDbTable } from './dynamodb-table.ts';
import { S3ArtifactStore } from './s3.ts';

/** Placeholder keys for the embedded emulators; in AWS the SDK's own credential chain. */
export const emulated = (config: PlatformConfig) =>
  config.LOCAL_EMULATORS === 'true' ? { credentials: EMULATOR_CREDENTIALS } : {};

/**
 * The platform's table and bucket adapters, from its configuration (emulator endpoints locally). The
 * features build their repositories on the table.
 */
export function dataAdapters(config: PlatformConfig): { table: DynamoDbTable; store: S3ArtifactStore } {
  return {
    table: DynamoDbTable.create({
      table: config.TABLE_NAME,
      region: config.AWS_REGION,
      endpoint: config.DYNAMODB_ENDPOINT,
      ...emulated(config),
    }),
    store: S3ArtifactStore.create({
      bucket: config.ARTIFACTS_BUCKET,
      region: config.AWS_REGION,
      endpoint: config.S3_ENDPOINT,
      ...emulated(config),
    }),
  };
}
