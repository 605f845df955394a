import { createFeatures } from '../core/adapters/flags.ts';
import { type PlatformConfig, platformConfig } from '../core/config.ts';
import { featureHandler } from '../core/http.ts';
import { rolloutRoutes } from './routes.ts';

/** The feature's Lambda, configured by `config` (the process environment in AWS). */
export const createHandler = (config: () => PlatformConfig = platformConfig) =>
  featureHandler(
    rolloutRoutes,
    {
      listFeatures: async ({ user }, deps) => ({ features: await deps.features.list(user) }),
    },
    (c: PlatformConfig) => ({ features: createFeatures(c) }),
    config,
  );

/** The Lambda's entry point. */
export const handler = createHandler();
