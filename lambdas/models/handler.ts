import { featureHandler } from '../core/http.ts';
import { compareModels } from './compare.ts';
import { loadModelRegistry } from './load.ts';
import { recommendModels } from './recommend.ts';
import { modelRoutes } from './routes.ts';

export const handler = featureHandler(
  modelRoutes,
  {
    listModels: ({ query }, { models }) => models.filter(query),
    recommendModels: ({ query }, { models }) => recommendModels(models, query),
    getModel: ({ params }, { models }) => models.get(params.id),
    compareModels: ({ body }, { models }) => compareModels(models, body),
  },
  () => ({ models: loadModelRegistry() }),
);
