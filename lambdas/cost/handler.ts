import { featureHandler } from '../core/http.ts';
import { loadModelRegistry } from '../models/load.ts';
import { estimateCost } from './advise.ts';
import { loadPriceList } from './pricing.ts';
import { costRoutes } from './routes.ts';

export const handler = featureHandler(
  costRoutes,
  { estimateCost: ({ body }, deps) => estimateCost(body, deps) },
  () => ({ models: loadModelRegistry(), prices: loadPriceList() }),
);
