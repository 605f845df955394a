import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { Provider } from 'react-redux';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { vi } from 'vitest';
import { setAppConfig } from '../config.ts';
import { makeStore } from '../store.ts';
import type { Session } from '../types.ts';

/** One fake API route: method + path (a RegExp on the path), and what it answers. */
export interface FakeRoute {
  method?: string;
  path: RegExp;
  status?: number;
  body: unknown | ((request: { url: URL; body: unknown }) => unknown);
}

/** A fetch that answers from `routes` (first match) and records every request; problem+json for errors. */
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
    const status = route.status ?? 200;
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
    tools: ['calculator'],
    language: 'typescript',
    deployment: { target: 'lambda' },
  },
  completeness: 80,
  missing: [{ field: 'usage', question: 'About how many requests a month do you expect?' }],
  sources: { model: 'recommendation' },
  problems: [],
  ready: true,
};
