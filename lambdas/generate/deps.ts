import { SFNClient } from '@aws-sdk/client-sfn';
import definition from '../../lib/workflows/generation.asl.json' with { type: 'json' };
import { AWS_RETRY } from '../core/adapters/aws-retry.ts';
import { dataAdapters } from '../core/adapters/data.ts';
import { DynamoDbRateLimiter } from '../core/adapters/dynamodb-rate-limiter.ts';
import { createFeatures } from '../core/adapters/flags.ts';
import { LocalStepFunctionsExecutor, StepFunctionsExecutor } from '../core/adapters/step-functions.ts';
import type { PlatformConfig } from '../core/config.ts';
import { loadPriceList } from '../cost/pricing.ts';
import { loadModelRegistry } from '../models/load.ts';
import { DynamoDbSessionRepository } from '../sessions/dynamodb-session-repository.ts';
import { loadToolRegistry } from '../tools/load.ts';
import { DynamoDbGenerationRepository } from './dynamodb-generation-repository.ts';
import type { GenerationInput, GenerationRecord, GenerationRunner } from './ports.ts';
import type { GenerationDeps } from './service.ts';
import { runTask, type TaskDeps } from './tasks.ts';

/** The task Lambda's ARN in the ASL; locally any well-formed ARN, since its tasks run in-process. */
const LOCAL_TASK_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:local-generate-tasks';

/**
 * The generation workflow: the Express state machine in AWS, the same ASL in-process locally, its
 * Task states running the tasks of tasks.ts either way.
 */
function generationRunner(
  stateMachineArn: string | undefined,
  region: string,
  deps: TaskDeps,
): GenerationRunner {
  if (stateMachineArn) {
    return new StepFunctionsExecutor<GenerationInput, GenerationRecord>(
      new SFNClient({ region, ...AWS_RETRY }),
      stateMachineArn,
      {
        executionName: (input) => input.generationId,
        label: 'generation workflow',
      },
    );
  }
  return new LocalStepFunctionsExecutor<GenerationInput, GenerationRecord>(
    definition,
    (task, input) => runTask(task, input, deps),
    { substitutions: { GenerateTaskFunctionArn: LOCAL_TASK_FUNCTION_ARN } },
  );
}

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
    runner: generationRunner(config.GENERATION_STATE_MACHINE_ARN, config.AWS_REGION, taskDeps),
    generateLimitPerHour: config.GENERATE_LIMIT_PER_HOUR,
    features: createFeatures(config),
  };
}
