import type { z } from 'zod';
import { RunMetrics, ModelInfo as RunModel } from '../runner/events.ts';
import { AgentSpecDraft, DeploymentPatch, Fix, SpecPatch } from './agent-spec/schema.ts';
import type { Route } from './core/contract.ts';
import { CostEstimate, LineItem, Optimization } from './cost/estimate.ts';
import { costRoutes } from './cost/routes.ts';
import { Deployment } from './deployments/model.ts';
import { deploymentRoutes } from './deployments/routes.ts';
import { evaluationRoutes } from './evaluations/routes.ts';
import { Generation } from './generate/model.ts';
import { generateRoutes } from './generate/routes.ts';
import { healthRoutes } from './health/routes.ts';
import { Comparison } from './models/compare.ts';
import { Recommendation } from './models/recommend.ts';
import { modelRoutes } from './models/routes.ts';
import { ModelInfo } from './models/schema.ts';
import { rolloutRoutes } from './rollout/routes.ts';
import { ExtractedContext } from './sessions/extract.ts';
import { Session } from './sessions/model.ts';
import { sessionRoutes } from './sessions/routes.ts';
import { Build, TestRun } from './testing/model.ts';
import { testingRoutes } from './testing/routes.ts';
import { CompatibilityReport } from './tools/compatibility.ts';
import { DependencySet } from './tools/dependencies.ts';
import { toolRoutes } from './tools/routes.ts';
import { ToolInfo } from './tools/schema.ts';

/**
 * The one route table, assembled from each feature's `routes.ts`: CDK builds API Gateway from it,
 * the local gateway serves it, the OpenAPI document is generated from it and the web app's types
 * are derived from it (type-only imports).
 */
export const routes = {
  ...healthRoutes,
  ...modelRoutes,
  ...toolRoutes,
  ...costRoutes,
  ...sessionRoutes,
  ...generateRoutes,
  ...testingRoutes,
  ...evaluationRoutes,
  ...rolloutRoutes,
  ...deploymentRoutes,
};

export type Routes = typeof routes;
export type RouteId = keyof Routes;
/** A feature: one Lambda (`lambdas/<feature>/handler.ts`). */
export type Feature = Routes[RouteId]['feature'];
export const FEATURES = [
  'health',
  'models',
  'tools',
  'cost',
  'sessions',
  'generate',
  'testing',
  'rollout',
  'deployments',
] as const satisfies readonly Feature[];
type Unlisted = Exclude<Feature, (typeof FEATURES)[number]>;
const _everyFeatureListed: Unlisted extends never ? true : Unlisted = true;
void _everyFeatureListed;

export const routeList: Route<Feature>[] = Object.values(routes);

/** Schemas the OpenAPI document shares as named components (`#/components/schemas/<name>`). */
export const apiSchemas: Record<string, z.ZodType> = {
  Session,
  SessionContext: ExtractedContext,
  AgentSpecDraft,
  SpecPatch,
  DeploymentPatch,
  Fix,
  Generation,
  Build,
  TestRun,
  RunMetrics,
  RunModel,
  ModelInfo,
  Recommendation,
  Comparison,
  ToolInfo,
  DependencySet,
  CompatibilityReport,
  CostEstimate,
  LineItem,
  Optimization,
  Deployment,
};

/** The WebSocket API: connect with `?token=` (Cognito JWT in AWS), then send run or cancel messages. */
export const STREAM_PATH = '/ws/testing/stream';
