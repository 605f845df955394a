import { z } from 'zod';
import { errorStatuses, Problem, type Route, routeMatcher } from '../../lambdas/core/contract.ts';
import { routeList } from '../../lambdas/routes.ts';
import { StreamEvent } from '../../runner/events.ts';

// biome-ignore lint/suspicious/noExplicitAny: bodies are asserted field by field by the tests
export type Json = Record<string, any>;

export interface Answer {
  status: number;
  type: string;
  body: Json;
  bytes?: Uint8Array;
  route?: Route;
}

const match = routeMatcher(routeList);

/** Which route answered which kind of status, across the calls of this test file. */
export const coverage = new Map<string, Set<'success' | 'error'>>();

/**
 * Checks an answer against its route's contract: a declared success status with a body its schema
 * accepts (JSON) or its media type (raw content), or a declared problem status with a problem+json
 * body. Anything else fails the test, naming the route, status and the first problems.
 */
export function checkAnswer(method: string, path: string, answer: Omit<Answer, 'route'>): Route | undefined {
  const { match: hit, methods } = match(method, path);
  const where = `${method} ${path} → ${answer.status}`;
  if (!hit) {
    // Only the gateway answers a path without a route: 404, or 405 naming the methods it has.
    if (answer.status !== (methods.length > 0 ? 405 : 404))
      throw new Error(`${where}: no route answers this`);
    Problem.parse(answer.body);
    return undefined;
  }
  const { route } = hit;
  const content = route.responses[answer.status];
  if (content) {
    if (content instanceof z.ZodType) {
      if (!answer.type.startsWith('application/json')) throw new Error(`${where}: sent ${answer.type}`);
      const checked = content.safeParse(answer.body);
      if (!checked.success)
        throw new Error(
          `${where}: outside the ${route.id} contract: ${checked.error.message.slice(0, 2000)}`,
        );
    } else if (!answer.type.startsWith(content.mediaType.split(';')[0] ?? content.mediaType)) {
      throw new Error(`${where}: sent ${answer.type}, the contract says ${content.mediaType}`);
    }
    record(route.id, 'success');
    return route;
  }
  if (!errorStatuses(route).includes(answer.status))
    throw new Error(`${where}: ${route.id} does not declare this status`);
  if (!answer.type.startsWith('application/problem+json')) throw new Error(`${where}: sent ${answer.type}`);
  const problem = Problem.safeParse(answer.body);
  if (!problem.success) throw new Error(`${where}: not a problem+json: ${problem.error.message}`);
  if (problem.data.status !== answer.status)
    throw new Error(`${where}: the problem says ${problem.data.status}`);
  record(route.id, 'error');
  return route;
}

function record(id: string, kind: 'success' | 'error') {
  const seen = coverage.get(id) ?? new Set();
  seen.add(kind);
  coverage.set(id, seen);
}

/** Every event of the test-run stream must be one the contract names. */
export function checkStreamEvent(event: unknown): Json {
  const checked = StreamEvent.safeParse(event);
  if (!checked.success) throw new Error(`a stream event outside the contract: ${checked.error.message}`);
  return event as Json;
}

/**
 * A client of the platform whose every answer is checked against the route table's schemas, so a
 * handler cannot drift from its contract while the integration tests pass.
 */
export function contractClient(baseUrl: () => string) {
  return async function call(
    method: string,
    path: string,
    options: { body?: unknown; token?: string; raw?: string } = {},
  ): Promise<Answer> {
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {}),
      },
      ...(options.raw !== undefined
        ? { body: options.raw }
        : options.body !== undefined
          ? { body: JSON.stringify(options.body) }
          : {}),
    });
    const type = response.headers.get('content-type') ?? '';
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    const body = type.includes('json') ? (JSON.parse(text) as Json) : ({ text } as Json);
    const answer = { status: response.status, type, body, bytes };
    const route = checkAnswer(method, new URL(path, 'http://x').pathname, answer);
    return { ...answer, ...(route ? { route } : {}) };
  };
}
