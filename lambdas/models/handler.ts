import { type PlatformConfig, platformConfig } from '../core/config.ts';
import { featureHandler } from '../core/http.ts';
import { compareModels } from './compare.ts';
import { loadModelRegistry } from './load.ts';
import { recommendModels } from './recommend.ts';
import { modelRoutes } from './routes.ts';

/** The feature's Lambda, configured by `config` (the process environment in AWS). */
export const createHandler = (config: () => PlatformConfig = platformConfig) =>
  featureHandler(
    modelRoutes,
    {
      listModels: ({ query }, { models }) => models.filter(query),
      recommendModels: ({ query }, { models }) => recommendModels(models, query),
      getModel: ({ params }, { models }) => models.get(params.id),
      compareModels: ({ body }, { models }) => compareModels(models, body),
    },
    () => ({ models: loadModelRegistry() }),
    config,
  );

/** The Lambda's entry point. */
export const handler = createHandler();
