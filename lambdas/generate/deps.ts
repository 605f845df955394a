import { SFNClient } from '@aws-sdk/client-sfn';
import { dataAdapters } from '../core/adapters/data.ts';
import { DynamoDbRateLimiter } from '../core/adapters/dynamodb-rate-limiter.ts';
import type { PlatformConfig } from '../core/config.ts';
import { loadPriceList } from '../cost/pricing.ts';
import { loadModelRegistry } from '../models/load.ts';
import { DynamoDbSessionRepository } from '../sessions/dynamodb-session-repository.ts';
import { loadToolRegistry } from '../tools/load.ts';
import { DynamoDbGenerationRepository } from './dynamodb-generation-repository.ts';
import { LocalStepFunctionsRunner, StepFunctionsRunner } from './runner.ts';
import type { GenerationDeps } from './service.ts';
import type { TaskDeps } from './tasks.ts';

/**
 * The adapters behind sessions and generation, from the platform configuration: DynamoDB and S3
 * (emulators locally), and the workflow (Step Functions in AWS, the same ASL in-process locally).
 * The configuration is an argument, so a caller (a handler, a test, the local platform) decides it.
 */
export function platformDeps(config: PlatformConfig): GenerationDeps & TaskDeps {
  const { table, store } = dataAdapters(config);
  const registries = { models: loadModelRegistry(), tools: loadToolRegistry() };
  const taskDeps: TaskDeps = {
    registries,
    prices: loadPriceList(),
    store,
    generations: new DynamoDbGenerationRepository(table),
  };
  return {
    ...taskDeps,
    sessions: new DynamoDbSessionRepository(table),
    limiter: new DynamoDbRateLimiter(table),
    runner: config.GENERATION_STATE_MACHINE_ARN
      ? new StepFunctionsRunner(
          new SFNClient({ region: config.AWS_REGION }),
          config.GENERATION_STATE_MACHINE_ARN,
        )
      : new LocalStepFunctionsRunner(taskDeps),
    generateLimitPerHour: config.GENERATE_LIMIT_PER_HOUR,
  };
}
