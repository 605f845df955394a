import { z } from 'zod';

/**
 * Every route of the platform API: method, path, owning feature (one Lambda each), whether a user is
 * required, and the zod schemas of its path parameters, query and body. CDK builds API Gateway from
 * this table, the local gateway serves it, and the OpenAPI document is generated from it.
 */
export type Feature = 'health' | 'models' | 'tools' | 'cost' | 'sessions' | 'generate' | 'testing';

export interface Route {
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  feature: Feature;
  auth: boolean;
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A per-user rate limit applies (429 with Retry-After). */
  rateLimited?: boolean;
}

const csv = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  )
  .optional();
const num = z.coerce.number().optional();
const id = z.object({ id: z.string().min(1).max(100) });

export const routes = {
  health: {
    id: 'health',
    method: 'GET',
    path: '/api/health',
    feature: 'health',
    auth: false,
    summary: 'Liveness of the API',
  },
  openApi: {
    id: 'openApi',
    method: 'GET',
    path: '/api/openapi.json',
    feature: 'health',
    auth: false,
    summary: 'This API as an OpenAPI 3.1 document',
  },

  listModels: {
    id: 'listModels',
    method: 'GET',
    path: '/api/models',
    feature: 'models',
    auth: true,
    summary: 'List models, filtered',
    query: z.object({
      provider: z.string().optional(),
      capability: csv,
      maxInputPrice: num,
      maxOutputPrice: num,
      minContext: num,
      region: z.string().optional(),
      search: z.string().max(200).optional(),
    }),
  },
  recommendModels: {
    id: 'recommendModels',
    method: 'GET',
    path: '/api/models/recommend',
    feature: 'models',
    auth: true,
    summary: 'Rank models for a use case and budget',
    query: z.object({
      useCase: z.string(),
      budget: num,
      capability: csv,
      provider: z.string().optional(),
      region: z.string().optional(),
      limit: num,
      requests: num,
      inputTokens: num,
      outputTokens: num,
    }),
  },
  getModel: {
    id: 'getModel',
    method: 'GET',
    path: '/api/models/{id}',
    feature: 'models',
    auth: true,
    summary: 'One model',
    params: id,
  },
  compareModels: {
    id: 'compareModels',
    method: 'POST',
    path: '/api/models/compare',
    feature: 'models',
    auth: true,
    summary: 'Compare 2 to 5 models',
    body: z.unknown(),
  },

  listTools: {
    id: 'listTools',
    method: 'GET',
    path: '/api/tools',
    feature: 'tools',
    auth: true,
    summary: 'List tools, filtered',
    query: z.object({
      category: z.string().optional(),
      language: z.string().optional(),
      platform: z.string().optional(),
      search: z.string().max(200).optional(),
    }),
  },
  resolveTools: {
    id: 'resolveTools',
    method: 'POST',
    path: '/api/tools/resolve',
    feature: 'tools',
    auth: true,
    summary: 'Merge the dependencies of a tool selection and check it against a target',
    body: z
      .object({
        ids: z.array(z.string()).min(1).max(40),
        language: z.enum(['typescript', 'python']),
        platform: z.enum(['agentcore', 'ecs-fargate', 'lambda']).optional(),
      })
      .strict(),
  },

  estimateCost: {
    id: 'estimateCost',
    method: 'POST',
    path: '/api/cost-estimate',
    feature: 'cost',
    auth: true,
    summary: 'Monthly cost of an AgentSpec',
    body: z.unknown(),
  },

  createSession: {
    id: 'createSession',
    method: 'POST',
    path: '/api/sessions',
    feature: 'sessions',
    auth: true,
    summary: 'Start a session',
    body: z.unknown(),
  },
  listSessions: {
    id: 'listSessions',
    method: 'GET',
    path: '/api/sessions',
    feature: 'sessions',
    auth: true,
    summary: "The caller's sessions, newest first",
  },
  getSession: {
    id: 'getSession',
    method: 'GET',
    path: '/api/sessions/{id}',
    feature: 'sessions',
    auth: true,
    summary: 'One session',
    params: id,
  },
  updateSession: {
    id: 'updateSession',
    method: 'PATCH',
    path: '/api/sessions/{id}',
    feature: 'sessions',
    auth: true,
    summary: 'Change answers, selections or phase',
    params: id,
    body: z.unknown(),
  },
  addMessage: {
    id: 'addMessage',
    method: 'POST',
    path: '/api/sessions/{id}/messages',
    feature: 'sessions',
    auth: true,
    summary: 'Add a message to the conversation',
    params: id,
    body: z.unknown(),
  },
  advanceSession: {
    id: 'advanceSession',
    method: 'POST',
    path: '/api/sessions/{id}/advance',
    feature: 'sessions',
    auth: true,
    summary: 'Move to the next phase when its conditions are met',
    params: id,
    body: z.unknown(),
    rateLimited: true,
  },
  sessionContext: {
    id: 'sessionContext',
    method: 'GET',
    path: '/api/sessions/{id}/context',
    feature: 'sessions',
    auth: true,
    summary: 'The AgentSpec extracted from the session',
    params: id,
  },

  generate: {
    id: 'generate',
    method: 'POST',
    path: '/api/code-generation/generate',
    feature: 'generate',
    auth: true,
    summary: 'Generate a project from a session or a spec',
    body: z.unknown(),
    rateLimited: true,
  },
  getGeneration: {
    id: 'getGeneration',
    method: 'GET',
    path: '/api/code-generation/{id}',
    feature: 'generate',
    auth: true,
    summary: 'A generation and its files',
    params: id,
  },
  getGeneratedFile: {
    id: 'getGeneratedFile',
    method: 'GET',
    path: '/api/code-generation/{id}/files/{path+}',
    feature: 'generate',
    auth: true,
    summary: 'One generated file',
    params: z.object({ id: z.string().min(1).max(100), path: z.string().min(1).max(500) }),
  },
  downloadGeneration: {
    id: 'downloadGeneration',
    method: 'GET',
    path: '/api/code-generation/{id}/download',
    feature: 'generate',
    auth: true,
    summary: 'The project as a zip',
    params: id,
  },

  buildTest: {
    id: 'buildTest',
    method: 'POST',
    path: '/api/testing/build',
    feature: 'testing',
    auth: true,
    summary: "Install and compile a generation's project for test runs",
    body: z.unknown(),
    rateLimited: true,
  },
  getBuild: {
    id: 'getBuild',
    method: 'GET',
    path: '/api/testing/builds/{id}',
    feature: 'testing',
    auth: true,
    summary: 'A build: status, and the compiler output when it failed',
    params: id,
  },
  runTest: {
    id: 'runTest',
    method: 'POST',
    path: '/api/testing/run',
    feature: 'testing',
    auth: true,
    summary: 'Run a built agent on an input; the result with its full output and metrics',
    body: z.unknown(),
    rateLimited: true,
  },
  getTestRun: {
    id: 'getTestRun',
    method: 'GET',
    path: '/api/testing/runs/{id}',
    feature: 'testing',
    auth: true,
    summary: 'One test run',
    params: id,
  },
  rerunTest: {
    id: 'rerunTest',
    method: 'POST',
    path: '/api/testing/runs/{id}/rerun',
    feature: 'testing',
    auth: true,
    summary: "Run an earlier run's input again on the same build",
    params: id,
    rateLimited: true,
  },
  cancelTestRun: {
    id: 'cancelTestRun',
    method: 'POST',
    path: '/api/testing/runs/{id}/cancel',
    feature: 'testing',
    auth: true,
    summary: 'Stop a running test run',
    params: id,
  },
  testHistory: {
    id: 'testHistory',
    method: 'GET',
    path: '/api/testing/history',
    feature: 'testing',
    auth: true,
    summary: 'Past test runs of a session (or generation), newest first',
    query: z.object({
      sessionId: z.string().optional(),
      generationId: z.string().optional(),
      limit: z.string().optional(),
    }),
  },
} satisfies Record<string, Route>;

/** The WebSocket API: connect with `?token=` (Cognito JWT in AWS), then send run or cancel messages. */
export const STREAM_PATH = '/ws/testing/stream';

export type RouteId = keyof typeof routes;
export const routeList: Route[] = Object.values(routes);

/** The API Gateway route key of a route: `GET /api/models/{id}`. */
export const routeKey = (route: Route) => `${route.method} ${route.path}`;
