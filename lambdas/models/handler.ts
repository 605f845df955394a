import { type PlatformConfig, platformConfig } from '../core/config.ts';
import { featureHandler } from '../core/http.ts';
import { compareModels } from './compare.ts';
import { loadModelRegistry } from './load.ts';
import { recommendModels } from './recommend.ts';
import type { ModelFilter, ModelRegistry } from './registry.ts';
import { modelRoutes } from './routes.ts';
import type { ModelInfo } from './schema.ts';

/** The feature's Lambda, configured by `config` (the process environment in AWS). */
export const createHandler = (config: () => PlatformConfig = platformConfig) => {
  // The registry never changes, so a listing is worked out (and, being frozen, serialised) once per filter.
  const listings = new Map<string, ModelInfo[]>();
  const list = (models: ModelRegistry, query: ModelFilter) => {
    const key = JSON.stringify(query);
    let listing = listings.get(key);
    if (!listing) {
      listing = Object.freeze(models.filter(query)) as ModelInfo[];
      if (listings.size >= 256) listings.delete(listings.keys().next().value as string);
      listings.set(key, listing);
    }
    return listing;
  };
  return featureHandler(
    modelRoutes,
    {
      listModels: ({ query }, { models }) => list(models, query),
      recommendModels: ({ query }, { models }) => recommendModels(models, query),
      getModel: ({ params }, { models }) => models.get(params.id),
      compareModels: ({ body }, { models }) => compareModels(models, body),
    },
    () => ({ models: loadModelRegistry() }),
    config,
  );
};

/** The Lambda's entry point. */
export const handler = createHandler();
