import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { Provider } from 'react-redux';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, vi } from 'vitest';
import { Problem, responseProblem, routeMatcher } from '../../../lambdas/core/contract.ts';
import { routeList } from '../../../lambdas/routes.ts';
import { setAppConfig } from '../config.ts';
import { makeStore } from '../store.ts';
import type { Session, SessionContext, Tool } from '../types.ts';

/** One fake API route: method + path (a RegExp on the path), and what it answers. */
export interface FakeRoute {
  method?: string;
  path: RegExp;
  status?: number;
  body: unknown | ((request: { url: URL; body: unknown }) => unknown);
}

/** The platform route a request is for, matched as API Gateway does. */
const platformRoute = routeMatcher(routeList);

/** Fake answers outside the contract: fetch turns a throw into a network error, so they are kept here. */
const violations: string[] = [];
afterEach(() => {
  const found = violations.splice(0);
  if (found.length > 0) throw new Error(found.join('\n'));
});

/**
 * A fake answer must be one the platform could give: the route's schema for that status, or a
 * problem+json. A fake that drifts from the contract fails the test instead of hiding the drift.
 */
function checkAgainstContract(method: string, path: string, status: number, payload: unknown): void {
  const { match } = platformRoute(method, path);
  if (!match) throw new Error(`the fake answers ${method} ${path}, which is no route of the platform`);
  // Any problem+json may stand in for an error (API Gateway's own throttling answers any route with 429).
  if (status >= 400) {
    Problem.parse(payload);
    return;
  }
  const problem = responseProblem(match.route, status, payload);
  if (problem) throw new Error(`the fake answer of ${match.route.id}: ${problem}`);
}

/**
 * A fetch that answers from `routes` (first match) and records every request; problem+json for
 * errors. Every answer is checked against the platform's own response schema first.
 */
export function fakeApi(routes: FakeRoute[]) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  const fetchFn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const text = await request.text();
    const body = text ? JSON.parse(text) : undefined;
    calls.push({ method: request.method, path: url.pathname + url.search, body });
    const route = routes.find((r) => (r.method ?? 'GET') === request.method && r.path.test(url.pathname));
    if (!route)
      return new Response(
        JSON.stringify({
          type: 'not-found',
          title: 'Not found',
          status: 404,
          detail: `no fake for ${url.pathname}`,
        }),
        { status: 404, headers: { 'content-type': 'application/problem+json' } },
      );
    const payload = typeof route.body === 'function' ? route.body({ url, body }) : route.body;
    const status =
      route.status ?? (request.method === 'POST' && /\/api\/sessions$/.test(url.pathname) ? 201 : 200);
    try {
      checkAgainstContract(request.method, url.pathname, status, payload);
    } catch (error) {
      violations.push((error as Error).message);
      throw error;
    }
    return typeof payload === 'string'
      ? new Response(payload, { status, headers: { 'content-type': 'text/plain' } })
      : new Response(JSON.stringify(payload), {
          status,
          headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
        });
  });
  vi.stubGlobal('fetch', fetchFn);
  return { calls, fetchFn };
}

/** Renders `element` at `path` with the app's store and router, the API at http://api.test. */
export function renderAt(element: ReactElement, { path = '/', pattern = '*' } = {}) {
  setAppConfig({ apiUrl: 'http://api.test', streamUrl: 'ws://api.test/ws/testing/stream' });
  const store = makeStore();
  const router = createMemoryRouter([{ path: pattern, element }], { initialEntries: [path] });
  return {
    store,
    router,
    ...render(
      <Provider store={store}>
        <RouterProvider router={router} />
      </Provider>,
    ),
  };
}

export function makeSession(overrides: Partial<Session> = {}): Session {
  return {
    id: 's1',
    owner: 'local-developer',
    title: 'Refund helper',
    phase: 'REQUIREMENTS',
    answers: { REQUIREMENTS: { useCase: 'Answer refund questions and calculate totals' } },
    selections: {},
    messages: [],
    generationIds: [],
    version: 3,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-02T00:00:00.000Z',
    ...overrides,
  };
}

export const context = {
  spec: {
    name: 'Refund helper',
    model: 'amazon.nova-pro-v1:0',
    systemPrompt: 'You are Refund helper.',
    tools: ['calculator'],
    toolConfig: {},
    language: 'typescript',
    deployment: { target: 'lambda' },
  },
  completeness: 80,
  missing: [{ field: 'usage', question: 'About how many requests a month do you expect?', required: false }],
  sources: { model: 'recommendation' },
  evidence: { model: { source: 'recommendation', reason: 'recommended for your use case' } },
  skippedTools: [],
  problems: [],
  ready: true,
} satisfies SessionContext;

/** A generated implementation of a test tool. */
export const generated = (id: string) => ({
  kind: 'generated' as const,
  module: `tools/${id}`,
  symbol: id,
  dependencies: [],
});
/** A tool as GET /api/tools lists it; tests override what they are about. */
export const makeTool = (
  id: string,
  name: string,
  category: Tool['category'],
  overrides: Partial<Tool> = {},
): Tool => ({
  id,
  name,
  aliases: [],
  category,
  description: `${name} tool`,
  implementations: { typescript: generated(id), python: generated(id) },
  env: [],
  iam: [],
  config: [],
  example: `Use ${name}`,
  source: 'https://strandsagents.com/',
  asOf: '2026-11-01',
  platforms: {
    agentcore: { status: 'supported' },
    'ecs-fargate': { status: 'supported' },
    lambda: { status: 'supported' },
  },
  alternatives: [],
  conflicts: [],
  ...overrides,
});
