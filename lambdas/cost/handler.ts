import { type PlatformConfig, platformConfig } from '../core/config.ts';
import { featureHandler } from '../core/http.ts';
import { loadModelRegistry } from '../models/load.ts';
import { estimateCost } from './advise.ts';
import { loadPriceList } from './pricing.ts';
import { costRoutes } from './routes.ts';

/** The feature's Lambda, configured by `config` (the process environment in AWS). */
export const createHandler = (config: () => PlatformConfig = platformConfig) =>
  featureHandler(
    costRoutes,
    { estimateCost: ({ body }, deps) => estimateCost(body, deps) },
    () => ({ models: loadModelRegistry(), prices: loadPriceList() }),
    config,
  );

/** The Lambda's entry point. */
export const handler = createHandler();
