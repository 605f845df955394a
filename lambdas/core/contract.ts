import { z } from 'zod';

/**
 * The shape of a route: the one contract the handler, the gateways (API Gateway from CDK, the local
 * gateway), the OpenAPI document, the integration tests and the web app's types are all derived from.
 * Plain zod, no runtime dependencies: the web app type-imports from here.
 */

/** `application/problem+json`, the body of every error response (DESIGN.md, "Errors"). */
export const Problem = z.object({
  type: z.string().describe('machine-readable problem type, e.g. validation-error; switch on this'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().describe('what went wrong and what to do'),
  instance: z.string().optional(),
  errors: z
    .array(z.object({ path: z.string(), message: z.string() }))
    .optional()
    .describe('every problem with the input, located by path'),
  traceId: z.string().optional(),
});
export type Problem = z.infer<typeof Problem>;

/** A response that is not JSON: its media type, and whether the bytes are binary (sent base64 by API Gateway). */
export interface RawContent<B extends boolean = boolean> {
  readonly kind: 'raw';
  readonly mediaType: string;
  readonly binary: B;
  readonly description: string;
}

/** A text response (a generated file, an HTML page): the handler gives a string. */
export const textContent = (mediaType: string, description: string): RawContent<false> => ({
  kind: 'raw',
  mediaType,
  binary: false,
  description,
});

/** A binary response (a zip, a compressed script): the handler gives bytes. */
export const binaryContent = (mediaType: string, description: string): RawContent<true> => ({
  kind: 'raw',
  mediaType,
  binary: true,
  description,
});

/** What a route answers with one status: a JSON body's schema, or raw content. */
export type ResponseContent = z.ZodType | RawContent;

/** Error statuses a route declares beyond the ones every route gets (see {@link errorStatuses}). */
export type ErrorStatus = 403 | 404 | 405 | 409 | 413 | 422 | 502 | 503;

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** API Gateway syntax: `{id}` one segment, `{path+}` the rest. */
  path: string;
  /** A signed-in user is required. */
  auth: boolean;
  summary: string;
  description?: string;
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The success responses, by status. */
  responses: Readonly<Record<number, ResponseContent>>;
  /** The problem statuses this route can answer besides 400/401/429/500 (added from the route's shape). */
  errors?: readonly ErrorStatus[];
  /** A per-user rate limit applies (429 with Retry-After). */
  rateLimited?: boolean;
}

/** A route with its id and owning feature (one Lambda per feature). */
export type Route<F extends string = string, Id extends string = string> = RouteSpec & {
  id: Id;
  feature: F;
};

/**
 * A feature's routes: each gets its key as `id` and the feature's name, keeping every literal type
 * so handlers, clients and the OpenAPI document see the exact shapes.
 */
export function defineRoutes<const F extends string, const T extends Record<string, RouteSpec>>(
  feature: F,
  routes: T,
): { [K in keyof T & string]: T[K] & { id: K; feature: F } } {
  return Object.fromEntries(Object.entries(routes).map(([id, route]) => [id, { ...route, id, feature }])) as {
    [K in keyof T & string]: T[K] & { id: K; feature: F };
  };
}

/** Every problem status a route can answer: what its shape implies, then what it declares. */
export function errorStatuses(route: RouteSpec): number[] {
  const statuses = new Set<number>();
  if (route.params || route.query || route.body) statuses.add(400);
  // A number outside its schema's bounds is out-of-range (422), apart from a malformed request (400).
  if (route.query || route.body) statuses.add(422);
  if (route.auth) statuses.add(401);
  // The gateway's own refusals: a foreign Origin or Host; a body too large or not JSON.
  statuses.add(403);
  if (route.body) {
    statuses.add(413);
    statuses.add(415);
  }
  for (const status of route.errors ?? []) statuses.add(status);
  if (route.rateLimited) statuses.add(429);
  statuses.add(500);
  // A signed-in route may reach a dependency whose circuit breaker is open (503 with Retry-After).
  if (route.auth) statuses.add(503);
  return [...statuses].sort((a, b) => a - b);
}

/** The API Gateway route key of a route: `GET /api/models/{id}`. */
export const routeKey = (route: Pick<RouteSpec, 'method' | 'path'>) => `${route.method} ${route.path}`;

type Schema<T> = T extends z.ZodType ? T : never;

/** The parsed path parameters a handler receives. */
export type ParamsOf<R extends RouteSpec> = R['params'] extends z.ZodType
  ? z.output<R['params']>
  : Record<string, never>;
/** The parsed query a handler receives. */
export type QueryOf<R extends RouteSpec> = R['query'] extends z.ZodType
  ? z.output<R['query']>
  : Record<string, never>;
/** The parsed body a handler receives. */
export type BodyOf<R extends RouteSpec> = R['body'] extends z.ZodType ? z.output<R['body']> : undefined;
/** What a client sends as the body (before defaults and transforms). */
export type BodyInputOf<R extends RouteSpec> = R['body'] extends z.ZodType ? z.input<R['body']> : undefined;
/** What a client sends as the query. */
export type QueryInputOf<R extends RouteSpec> = R['query'] extends z.ZodType
  ? z.input<R['query']>
  : Record<string, never>;

type JsonStatuses<R extends RouteSpec> = {
  [S in keyof R['responses'] & number]: R['responses'][S] extends z.ZodType ? S : never;
}[keyof R['responses'] & number];

/** The JSON body a client receives with status `S` (the first success status by default). */
export type ResponseOf<R extends RouteSpec, S extends JsonStatuses<R> = JsonStatuses<R>> = z.output<
  Schema<R['responses'][S]>
>;

/** The JSON body a handler may give for status `S`. */
export type ResponseInputOf<
  R extends RouteSpec,
  S extends keyof R['responses'] & number,
> = R['responses'][S] extends z.ZodType
  ? z.input<R['responses'][S]>
  : R['responses'][S] extends RawContent
    ? R['responses'][S]['binary'] extends true
      ? Uint8Array
      : string
    : never;

/** A query parameter holding a comma-separated list (`?capability=tools,vision`), each item checked. */
export const csvList = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));

/** A numeric query parameter (query strings carry text). */
export const queryNumber = () => z.coerce.number<string | number>();

/** The `{id}` path parameter most routes take. */
export const IdParams = z.object({ id: z.string().min(1).max(100) });

/** A request matched to its route: the route and its path parameters, decoded. */
export interface RouteMatch<R extends Route> {
  route: R;
  params: Record<string, string>;
}

/**
 * Matches requests to routes as API Gateway does: `{name}` is one segment, `{name+}` the rest, and
 * the route with the most literal segments wins (`/api/models/recommend` over `/api/models/{id}`).
 * Answers the routes of the path under other methods too, for a 405 that names them.
 */
export function routeMatcher<R extends Route>(routes: readonly R[]) {
  const compiled = routes
    .map((route) => {
      const names: string[] = [];
      const source = route.path
        .split('/')
        .map((segment) => {
          const param = /^\{(\w+)(\+?)\}$/.exec(segment);
          if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(param[1] ?? '');
          return param[2] ? '(.+)' : '([^/]+)';
        })
        .join('/');
      return {
        route,
        names,
        pattern: new RegExp(`^${source}$`),
        literals: route.path.split('/').filter((s) => !s.startsWith('{')).length,
      };
    })
    .sort((a, b) => b.literals - a.literals);
  return (method: string, path: string): { match?: RouteMatch<R>; methods: string[] } => {
    const candidates = compiled.flatMap((c) => {
      const found = c.pattern.exec(path);
      return found ? [{ c, found }] : [];
    });
    const hit = candidates.find((x) => x.c.route.method === method);
    const methods = [...new Set(candidates.map((x) => x.c.route.method))];
    if (!hit) return { methods };
    const params = Object.fromEntries(
      hit.c.names.map((name, i) => [name, decodeURIComponent(hit.found[i + 1] ?? '')]),
    );
    return { match: { route: hit.c.route, params }, methods };
  };
}

/**
 * What is wrong with an answer of `route`, measured against its contract; undefined when nothing is.
 * A declared success status needs a body its schema accepts (or its media type, for raw content); a
 * declared problem status needs a problem+json body that names the same status. `mediaType` is
 * checked when it is known.
 */
export function responseProblem(
  route: Route,
  status: number,
  body: unknown,
  mediaType?: string,
): string | undefined {
  const sent = (expected: string) =>
    mediaType === undefined || mediaType.startsWith(expected)
      ? undefined
      : `sent ${mediaType}, not ${expected}`;
  const content = route.responses[status];
  if (content) {
    if (!(content instanceof z.ZodType)) return sent(content.mediaType.split(';')[0] ?? content.mediaType);
    const checked = content.safeParse(body);
    return (
      sent('application/json') ??
      (checked.success
        ? undefined
        : `outside the ${route.id} contract: ${checked.error.message.slice(0, 2000)}`)
    );
  }
  if (!errorStatuses(route).includes(status)) return `${route.id} does not declare the status ${status}`;
  const problem = Problem.safeParse(body);
  return (
    sent('application/problem+json') ??
    (!problem.success
      ? `not a problem+json: ${problem.error.message}`
      : problem.data.status !== status
        ? `the problem says ${problem.data.status}`
        : undefined)
  );
}
