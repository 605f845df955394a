import { DependencyBreaker, guardArtifactStore } from '../breaker.ts';
import { EMULATOR_CREDENTIALS, type PlatformConfig } from '../config.ts';
import type { ArtifactDeleter, ArtifactStore } from '../ports.ts';
import { DynamoDbTable } from './dynamodb-table.ts';
import { S3ArtifactStore } from './s3.ts';

/** Placeholder keys for the embedded emulators; in AWS the SDK's own credential chain. */
export const emulated = (config: PlatformConfig) =>
  config.LOCAL_EMULATORS === 'true' ? { credentials: EMULATOR_CREDENTIALS } : {};

/** What answers a builder when the artifact store is failing as a whole (its breaker is open). */
export const ARTIFACT_STORE = 'the artifact store (Amazon S3)';

/**
 * The platform's table and bucket adapters, from its configuration (emulator endpoints locally). The
 * features build their repositories on the table. The bucket sits behind a circuit breaker: when S3
 * fails as a whole, calls are refused at once (503, Retry-After) instead of each waiting on it.
 */
export function dataAdapters(config: PlatformConfig): {
  table: DynamoDbTable;
  store: ArtifactStore & ArtifactDeleter;
} {
  return {
    table: DynamoDbTable.create({
      table: config.TABLE_NAME,
      region: config.AWS_REGION,
      endpoint: config.DYNAMODB_ENDPOINT,
      ...emulated(config),
    }),
    store: guardArtifactStore(
      S3ArtifactStore.create({
        bucket: config.ARTIFACTS_BUCKET,
        region: config.AWS_REGION,
        endpoint: config.S3_ENDPOINT,
        ...emulated(config),
      }),
      new DependencyBreaker(ARTIFACT_STORE),
    ),
  };
}
