import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { z } from 'zod';
import { createMetrics, type PlatformMetrics } from './adapters/metrics.ts';
import { type PlatformConfig, platformConfig } from './config.ts';
import {
  type BodyOf,
  type ParamsOf,
  type QueryOf,
  type ResponseInputOf,
  type Route,
  type RouteSpec,
  routeKey,
} from './contract.ts';
import {
  DependencyUnavailableError,
  DomainError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthorizedError,
  ValidationError,
} from './errors.ts';
import { type RequestExposure, withExposure } from './flags/exposure.ts';
import { invalidInput, zodProblems } from './zod-problems.ts';

/** One place sets up logging and tracing for every Lambda (Powertools). */
export const logger = new Logger({ serviceName: 'agent-builder' });
export const tracer = new Tracer({ serviceName: 'agent-builder' });

export interface User {
  sub: string;
}

/** What a handler receives: the route's parsed params, query and body, and the signed-in user. */
export interface RequestOf<R extends RouteSpec> {
  params: ParamsOf<R>;
  query: QueryOf<R>;
  body: BodyOf<R>;
  user: User;
  path: string;
  headers: Record<string, string | undefined>;
}

declare const replyBrand: unique symbol;

/** A handler's answer with a status other than 200, or with headers: `reply(201, session)`. */
export class Reply<S extends number = number, B = unknown> {
  // The brand makes Reply nominal in types (no plain body passes for one); `instanceof` tells at run time.
  declare readonly [replyBrand]: true;
  constructor(
    readonly status: S,
    readonly body: B,
    readonly headers: Record<string, string> = {},
  ) {}
}

export const reply = <const S extends number, B>(status: S, body: B, headers?: Record<string, string>) =>
  new Reply(status, body, headers);

type ReplyUnion<R extends RouteSpec> = {
  [S in keyof R['responses'] & number]: Reply<S, ResponseInputOf<R, S>>;
}[keyof R['responses'] & number];

/** What a handler of route R may return: a reply of one of its statuses, or the 200 body itself. */
export type HandlerResult<R extends RouteSpec> =
  | ReplyUnion<R>
  | (200 extends keyof R['responses'] ? ResponseInputOf<R, 200> : never);

export type RouteHandler<R extends RouteSpec, D> = (
  request: RequestOf<R>,
  deps: D,
) => Promise<HandlerResult<R>> | HandlerResult<R>;

/** The largest request body any route takes, in bytes (the local gateway refuses larger ones unread). */
export const MAX_BODY_BYTES = 1_048_576;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** problem+json for a typed error; anything else is a 500 whose body says nothing about internals. */
export function problem(
  error: unknown,
  instance: string,
  traceId: string,
): APIGatewayProxyStructuredResultV2 {
  if (error instanceof DomainError) {
    const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
    if (error instanceof RateLimitedError || error instanceof DependencyUnavailableError)
      headers['retry-after'] = String(error.retryAfterSeconds);
    return {
      statusCode: error.statusCode,
      headers,
      body: JSON.stringify({ ...error.toJSON(), instance, traceId }),
    };
  }
  logger.error('unhandled error', {
    error:
      error instanceof Error
        ? { name: error.name, message: error.message, stack: error.stack }
        : String(error),
    traceId,
  });
  return {
    statusCode: 500,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({
      type: 'internal-error',
      title: 'Something went wrong on our side',
      status: 500,
      detail: 'The request failed; try again. If it keeps failing, quote the traceId.',
      instance,
      traceId,
    }),
  };
}

/** The problem+json middleware: registered first, so it sees every error the others throw. */
function problemJson(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: (request) => {
      const event = request.event;
      const traceId = event.requestContext?.requestId ?? randomUUID();
      request.response = problem(request.error, event.rawPath ?? '', traceId);
    },
  };
}

async function authenticate(event: APIGatewayProxyEventV2, config: PlatformConfig): Promise<User> {
  if (config.AUTH_MODE === 'jwt') {
    const header = event.headers?.authorization ?? '';
    return verifyToken(header.startsWith('Bearer ') ? header.slice(7) : '', config);
  }
  if (config.AUTH_MODE === 'dev') return { sub: 'local-developer' };
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } })
    .authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub === '') throw new UnauthorizedError('sign in first');
  return { sub };
}

let cognitoKeys: ReturnType<typeof createRemoteJWKSet> | undefined;

/**
 * The user a bearer token stands for, where no API Gateway authorizer has checked it (the WebSocket
 * API's `?token=`, the local platform's JWT mode): the local developer in dev mode, an HS256 token in
 * local JWT mode, a Cognito token (ID or access, for this app client) in AWS.
 */
export async function verifyToken(token: string, config: PlatformConfig = platformConfig()): Promise<User> {
  if (config.AUTH_MODE === 'dev') return { sub: 'local-developer' };
  if (!token) throw new UnauthorizedError('send a bearer token');
  try {
    let payload: JWTPayload;
    if (config.AUTH_MODE === 'jwt') {
      if (!config.JWT_SECRET) throw new Error('no secret');
      ({ payload } = await jwtVerify(token, new TextEncoder().encode(config.JWT_SECRET)));
    } else {
      if (!config.COGNITO_ISSUER) throw new Error('no issuer');
      cognitoKeys ??= createRemoteJWKSet(new URL(`${config.COGNITO_ISSUER}/.well-known/jwks.json`));
      ({ payload } = await jwtVerify(token, cognitoKeys, { issuer: config.COGNITO_ISSUER }));
      const client = payload.aud ?? payload.client_id;
      const clients = Array.isArray(client) ? client : [client];
      if (config.COGNITO_CLIENT_ID && !clients.includes(config.COGNITO_CLIENT_ID))
        throw new Error('other client');
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('no subject');
    return { sub: payload.sub };
  } catch {
    throw new UnauthorizedError('the bearer token is not valid; sign in again');
  }
}

function parsePart(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(result.error, `the ${where}`, where === 'body' ? '' : where);
  return result.data;
}

function parseBody(event: APIGatewayProxyEventV2): unknown {
  if (!event.body) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES)
    throw new PayloadTooLargeError(
      `the request body is larger than ${MAX_BODY_BYTES.toLocaleString('en')} bytes; send less`,
    );
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError('the request body is not valid JSON', [
      { path: 'body', message: 'send a JSON document' },
    ]);
  }
}

/** A response that does not match its route's contract: a bug on our side, answered as a 500. */
class ContractViolation extends Error {
  constructor(route: Route, status: number, detail: unknown) {
    super(`${route.id} answered ${status} outside its contract`);
    logger.error('response outside its contract', { route: route.id, status, detail });
  }
}

/**
 * JSON bodies already checked, by the frozen value they came from: a frozen value (registry data, a
 * listing of it) cannot change, so it is checked against its schema and serialised once, not per request.
 */
const checkedBodies = new WeakMap<object, Map<z.ZodType, string>>();

function checkedJson(route: Route, status: number, schema: z.ZodType, body: unknown): string {
  const frozen = typeof body === 'object' && body !== null && Object.isFrozen(body);
  const known = frozen ? checkedBodies.get(body)?.get(schema) : undefined;
  if (known !== undefined) return known;
  const checked = schema.safeParse(body);
  if (!checked.success) throw new ContractViolation(route, status, zodProblems(checked.error).slice(0, 10));
  const text = checked.data === undefined ? '' : JSON.stringify(checked.data);
  if (frozen) {
    const bySchema = checkedBodies.get(body) ?? new Map<z.ZodType, string>();
    bySchema.set(schema, text);
    checkedBodies.set(body, bySchema);
  }
  return text;
}

/** The handler's result as API Gateway's answer, checked against (and stripped to) the route's schema. */
function toResult(route: Route, result: unknown): APIGatewayProxyStructuredResultV2 {
  const { status, body, headers } =
    result instanceof Reply ? result : { status: 200, body: result, headers: {} };
  const content = route.responses[status];
  if (!content) throw new ContractViolation(route, status, 'undeclared status');
  if (!(content instanceof z.ZodType)) {
    const type = { 'content-type': content.mediaType, ...headers };
    if (content.binary) {
      if (!(body instanceof Uint8Array)) throw new ContractViolation(route, status, 'not bytes');
      return {
        statusCode: status,
        headers: type,
        isBase64Encoded: true,
        body: Buffer.from(body).toString('base64'),
      };
    }
    if (typeof body !== 'string') throw new ContractViolation(route, status, 'not text');
    return { statusCode: status, headers: type, body };
  }
  return {
    statusCode: status,
    headers: { ...JSON_HEADERS, ...headers },
    body: checkedJson(route, status, content, body),
  };
}

/**
 * The Lambda of one feature: middy with Powertools logging and tracing, problem+json errors, auth,
 * and zod parsing of each route's path parameters, query and body; then the route's handler. Deps are
 * built on the first call from the configuration (the process environment unless one is given: the
 * local platform passes its own) and reused; importing a handler has no side effects.
 */
export function featureHandler<const T extends Record<string, Route>, D>(
  routes: T,
  handlers: { [K in keyof T]: RouteHandler<T[K], D> },
  deps: (config: PlatformConfig) => D | Promise<D>,
  config: () => PlatformConfig = platformConfig,
) {
  const byKey = new Map(
    Object.entries(routes).map(([id, route]) => [
      routeKey(route),
      { route, fn: handlers[id] as unknown as RouteHandler<Route, D> },
    ]),
  );
  let built: Promise<D> | undefined;
  let metrics: PlatformMetrics | undefined;
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(problemJson())
    .use(injectLambdaContext(logger))
    .use(captureLambdaHandler(tracer))
    .handler(async (event) => {
      const entry = byKey.get(event.routeKey);
      if (!entry) throw new ValidationError(`no route ${event.routeKey}`);
      const { route, fn } = entry;
      const user = route.auth ? await authenticate(event, config()) : { sub: 'anonymous' };
      const request: RequestOf<Route> = {
        params: parsePart(route.params, event.pathParameters ?? {}, 'params') as ParamsOf<Route>,
        query: parsePart(route.query, event.queryStringParameters ?? {}, 'query') as QueryOf<Route>,
        body: parsePart(route.body, parseBody(event), 'body') as BodyOf<Route>,
        user,
        path: event.rawPath,
        headers: event.headers ?? {},
      };
      built ??= Promise.resolve()
        .then(() => deps(config()))
        .catch((error: unknown) => {
          built = undefined; // try again on the next request
          throw error;
        });
      metrics ??= createMetrics(config());
      const exposure: RequestExposure = { flags: new Map(), outcomes: [] };
      const started = performance.now();
      let status = 500;
      const ready = built;
      try {
        const result = toResult(route, await withExposure(exposure, async () => fn(request, await ready)));
        status = result.statusCode ?? 200;
        return result;
      } catch (error) {
        if (error instanceof DomainError) status = error.statusCode;
        throw error;
      } finally {
        metrics.request({ route: route.id, status, ms: performance.now() - started, exposure });
      }
    });
}
