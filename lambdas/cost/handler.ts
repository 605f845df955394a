import { type PlatformConfig, platformConfig } from '../core/config.ts';
import { featureHandler } from '../core/http.ts';
import { deepFreeze } from '../core/immutable.ts';
import { loadModelRegistry } from '../models/load.ts';
import { estimateCost } from './advise.ts';
import type { CostEstimate } from './estimate.ts';
import { loadPriceList } from './pricing.ts';
import { costRoutes } from './routes.ts';

/** Estimates kept per process: the same question, answered from the same (unchanging) registries. */
const RECENT_ESTIMATES = 256;

/** The feature's Lambda, configured by `config` (the process environment in AWS). */
export const createHandler = (config: () => PlatformConfig = platformConfig) => {
  // An estimate depends only on its input and the registries, which never change in a process; a
  // repeated input is answered from here (frozen, so its JSON is also made once).
  const recent = new Map<string, CostEstimate>();
  return featureHandler(
    costRoutes,
    {
      estimateCost: ({ body }, deps) => {
        const key = JSON.stringify(body);
        const known = recent.get(key);
        if (known) return known;
        const estimate = deepFreeze(estimateCost(body, deps));
        if (recent.size >= RECENT_ESTIMATES) recent.delete(recent.keys().next().value as string);
        recent.set(key, estimate);
        return estimate;
      },
    },
    () => ({ models: loadModelRegistry(), prices: loadPriceList() }),
    config,
  );
};

/** The Lambda's entry point. */
export const handler = createHandler();
