import { z } from 'zod';
import { AwsRegion } from '../core/aws-region.ts';
import { csvList, defineRoutes, IdParams, queryNumber } from '../core/contract.ts';
import { CompareRequest, Comparison } from './compare.ts';
import { RecommendationResult } from './recommend.ts';
import { Capability, LifecycleStatus, ModelInfo, Provider } from './schema.ts';

/** `?requests=&inputTokens=&outputTokens=`: a workload is all three or none. */
const workloadQuery = {
  requests: queryNumber().pipe(z.number().int().nonnegative().max(1e12)).optional(),
  inputTokens: queryNumber().pipe(z.number().int().nonnegative().max(10_000_000)).optional(),
  outputTokens: queryNumber().pipe(z.number().int().nonnegative().max(10_000_000)).optional(),
};

export const ListModelsQuery = z
  .object({
    provider: Provider.optional(),
    capability: csvList(Capability).optional().describe('comma-separated; every one must be present'),
    maxInputPrice: queryNumber()
      .pipe(z.number().nonnegative())
      .optional()
      .describe('USD per 1M input tokens'),
    maxOutputPrice: queryNumber()
      .pipe(z.number().nonnegative())
      .optional()
      .describe('USD per 1M output tokens'),
    minContext: queryNumber().pipe(z.number().int().positive()).optional(),
    region: AwsRegion.optional(),
    search: z.string().max(200).optional(),
    lifecycle: csvList(LifecycleStatus)
      .optional()
      .describe('comma-separated lifecycle states to keep (active, legacy, retired); all when absent'),
  })
  .strict()
  .transform(({ capability, ...rest }) => ({ ...rest, capabilities: capability }));

export const RecommendQuery = z
  .object({
    useCase: z.string().trim().min(1, 'describe the use case').max(4000),
    budget: queryNumber().pipe(z.number().positive()).optional().describe('USD per month for model tokens'),
    capability: csvList(Capability).optional(),
    tools: csvList(z.string().min(1).max(100))
      .optional()
      .describe('comma-separated tool ids the agent uses; any tool makes tool use required'),
    provider: Provider.optional(),
    region: AwsRegion.optional(),
    limit: queryNumber().pipe(z.number().int().min(1).max(50)).optional(),
    ...workloadQuery,
  })
  .strict()
  .refine(
    (q) => [q.requests, q.inputTokens, q.outputTokens].filter((v) => v === undefined).length % 3 === 0,
    { message: 'give requests, inputTokens and outputTokens together, or none of them', path: ['requests'] },
  )
  .transform(({ budget, capability, tools, requests, inputTokens, outputTokens, limit, ...rest }) => ({
    ...rest,
    budgetUsd: budget,
    requiredCapabilities: capability ?? [],
    tools: tools ?? [],
    ...(limit !== undefined ? { limit } : {}),
    ...(requests !== undefined && inputTokens !== undefined && outputTokens !== undefined
      ? {
          workload: {
            requestsPerMonth: requests,
            avgInputTokens: inputTokens,
            avgOutputTokens: outputTokens,
          },
        }
      : {}),
  }));

/** The models feature: the registry of LLMs, filtered, ranked for a use case, compared. */
export const modelRoutes = defineRoutes('models', {
  listModels: {
    method: 'GET',
    path: '/api/models',
    auth: true,
    summary: 'List models, filtered',
    query: ListModelsQuery,
    responses: { 200: z.array(ModelInfo) },
  },
  recommendModels: {
    method: 'GET',
    path: '/api/models/recommend',
    auth: true,
    summary: 'Rank models for a use case and budget',
    query: RecommendQuery,
    responses: { 200: RecommendationResult },
  },
  getModel: {
    method: 'GET',
    path: '/api/models/{id}',
    auth: true,
    summary: 'One model',
    params: IdParams,
    responses: { 200: ModelInfo },
    errors: [404],
  },
  compareModels: {
    method: 'POST',
    path: '/api/models/compare',
    auth: true,
    summary: 'Compare 2 to 5 models',
    body: CompareRequest,
    responses: { 200: Comparison },
    errors: [404],
  },
});
