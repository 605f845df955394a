import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDbStore } from '../core/adapters/dynamodb.ts';
import { S3ArtifactStore } from '../core/adapters/s3.ts';
import { platformConfig } from '../core/config.ts';
import { loadPriceList } from '../cost/pricing.ts';
import { loadModelRegistry } from '../models/load.ts';
import { loadToolRegistry } from '../tools/load.ts';
import { LocalStepFunctionsRunner, StepFunctionsRunner } from './runner.ts';
import type { GenerationDeps } from './service.ts';
import type { TaskDeps } from './tasks.ts';

/**
 * The adapters behind sessions and generation, from the platform configuration: DynamoDB and S3
 * (emulators locally), and the workflow (Step Functions in AWS, the same ASL in-process locally).
 */
export function platformDeps(): GenerationDeps & TaskDeps {
  const config = platformConfig();
  const db = DynamoDbStore.create({
    table: config.TABLE_NAME,
    region: config.AWS_REGION,
    endpoint: config.DYNAMODB_ENDPOINT,
  });
  const store = S3ArtifactStore.create({
    bucket: config.ARTIFACTS_BUCKET,
    region: config.AWS_REGION,
    endpoint: config.S3_ENDPOINT,
  });
  const registries = { models: loadModelRegistry(), tools: loadToolRegistry() };
  const taskDeps: TaskDeps = { registries, prices: loadPriceList(), store, generations: db };
  return {
    ...taskDeps,
    sessions: db,
    limiter: db,
    runner: config.GENERATION_STATE_MACHINE_ARN
      ? new StepFunctionsRunner(
          new SFNClient({ region: config.AWS_REGION }),
          config.GENERATION_STATE_MACHINE_ARN,
        )
      : new LocalStepFunctionsRunner(taskDeps),
    generateLimitPerHour: config.GENERATE_LIMIT_PER_HOUR,
  };
}
