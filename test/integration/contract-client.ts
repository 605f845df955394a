import { Problem, type Route, responseProblem, routeMatcher } from '../../lambdas/core/contract.ts';
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
 * Checks an answer against its route's contract (responseProblem); anything outside it fails the
 * test, naming the request, the status and what is wrong.
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
  const problem = responseProblem(route, answer.status, answer.body, answer.type);
  if (problem) throw new Error(`${where}: ${problem}`);
  record(route.id, route.responses[answer.status] ? 'success' : 'error');
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
    options: { body?: unknown; token?: string; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
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

/**
 * Follows a build or run answered 202: reads it by GET every `everyMs` until it is no longer BUILDING
 * or RUNNING, and returns the last answer with every body seen on the way (its progress as it went).
 */
export async function follow(
  call: ReturnType<typeof contractClient>,
  path: string,
  options: { token?: string; everyMs?: number; timeoutMs?: number } = {},
): Promise<Answer & { seen: Json[] }> {
  const seen: Json[] = [];
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  for (;;) {
    const answer = await call('GET', path, options.token !== undefined ? { token: options.token } : {});
    seen.push(answer.body);
    if (answer.status !== 200 || !['BUILDING', 'RUNNING'].includes(answer.body.status))
      return { ...answer, seen };
    if (Date.now() > deadline) throw new Error(`${path} still ${answer.body.status} after its deadline`);
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 500));
  }
}

/**
 * Generates a TypeScript agent with the calculator (the offline model calls the tool an input names)
 * and builds it through the API: the id of its READY build.
 */
export async function buildCalculatorAgent(
  call: ReturnType<typeof contractClient>,
  name: string,
): Promise<string> {
  const generated = await call('POST', '/api/code-generation/generate', {
    body: {
      spec: {
        name,
        description: 'Talks and does sums',
        language: 'typescript',
        model: 'anthropic.claude-haiku-4-5-20251001-v1:0',
        systemPrompt: 'You are helpful.',
        tools: ['calculator'],
      },
    },
  });
  if (generated.status !== 201)
    throw new Error(`generation answered ${generated.status}: ${JSON.stringify(generated.body)}`);
  const build = await call('POST', '/api/testing/build', { body: { generationId: generated.body.id } });
  if (build.status !== 202) throw new Error(`build answered ${build.status}: ${JSON.stringify(build.body)}`);
  const ready = await follow(call, `/api/testing/builds/${build.body.id}`);
  if (ready.body.status !== 'READY')
    throw new Error(`build ended ${ready.body.status}: ${JSON.stringify(ready.body)}`);
  return build.body.id as string;
}
