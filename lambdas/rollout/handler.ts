import { dataAdapters } from '../core/adapters/data.ts';
import { createFeatures } from '../core/adapters/flags.ts';
import { type PlatformConfig, platformConfig } from '../core/config.ts';
import { featureHandler, reply } from '../core/http.ts';
import { DynamoDbGenerationRepository } from '../generate/dynamodb-generation-repository.ts';
import { DynamoDbTestRepository } from '../testing/dynamodb-test-repository.ts';
import { DynamoDbFeedbackRepository } from './dynamodb-feedback-repository.ts';
import { type FeedbackDeps, giveFeedback } from './feedback.ts';
import { rolloutRoutes } from './routes.ts';

/** The feature's Lambda, configured by `config` (the process environment in AWS). */
export const createHandler = (config: () => PlatformConfig = platformConfig) =>
  featureHandler(
    rolloutRoutes,
    {
      listFeatures: async ({ user }, deps) => ({ features: await deps.features.list(user) }),
      giveFeedback: async ({ user, body }, deps) => reply(201, await giveFeedback(deps, user.sub, body)),
    },
    rolloutDeps,
    config,
  );

function rolloutDeps(config: PlatformConfig): FeedbackDeps {
  const { table } = dataAdapters(config);
  const generations = new DynamoDbGenerationRepository(table);
  const tests = new DynamoDbTestRepository(table);
  return {
    features: createFeatures(config),
    feedback: new DynamoDbFeedbackRepository(table),
    ownerOf: async (subject, id) =>
      (subject === 'generation' ? await generations.getGeneration(id) : await tests.getRun(id))?.owner,
  };
}

/** The Lambda's entry point. */
export const handler = createHandler();
