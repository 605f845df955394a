import { ValidationError } from '../core/errors.ts';
import { featureHandler } from '../core/http.ts';
import { parseOrThrow } from '../core/zod-problems.ts';
import { compareModels } from './compare.ts';
import { loadModelRegistry } from './load.ts';
import { recommendModels } from './recommend.ts';
import { ModelFilter } from './registry.ts';

export const handler = featureHandler(
  {
    listModels: ({ query }, { models }) =>
      models.filter(
        parseOrThrow(
          ModelFilter,
          {
            provider: query.provider,
            capabilities: query.capability,
            maxInputPrice: query.maxInputPrice,
            maxOutputPrice: query.maxOutputPrice,
            minContext: query.minContext,
            region: query.region,
            search: query.search,
          },
          'the model filter',
        ),
      ),
    recommendModels: ({ query }, { models }) => {
      const volume = [query.requests, query.inputTokens, query.outputTokens];
      if (volume.some((v) => v !== undefined) && volume.some((v) => v === undefined)) {
        throw new ValidationError('give requests, inputTokens and outputTokens together, or none of them');
      }
      return recommendModels(models, {
        useCase: query.useCase as string,
        budgetUsd: query.budget as number | undefined,
        requiredCapabilities: (query.capability as never) ?? [],
        provider: query.provider as never,
        region: query.region as string | undefined,
        ...(query.limit !== undefined ? { limit: query.limit as number } : {}),
        ...(query.requests !== undefined
          ? {
              workload: {
                requestsPerMonth: query.requests as number,
                avgInputTokens: query.inputTokens as number,
                avgOutputTokens: query.outputTokens as number,
              },
            }
          : {}),
      });
    },
    getModel: ({ params }, { models }) => models.get(params.id ?? ''),
    compareModels: ({ body }, { models }) => compareModels(models, body as never),
  },
  () => ({ models: loadModelRegistry() }),
);
