import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { PlatformConfig } from '../../lambdas/core/config.ts';
import { NotFoundError } from '../../lambdas/core/errors.ts';
import { featureHandler, reply } from '../../lambdas/core/http.ts';
import { createHandler as createModelsHandler } from '../../lambdas/models/handler.ts';
import { testRoutes } from '../types/handler-types.ts';

const context = {
  awsRequestId: 'req',
  functionName: 'test',
  getRemainingTimeInMillis: () => 1000,
} as unknown as Context;
const event = (
  routeKey: string,
  rawPath: string,
  extra: Partial<APIGatewayProxyEventV2> = {},
): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: { requestId: 'trace-1', authorizer: { jwt: { claims: { sub: 'alice' } } } },
    ...extra,
  }) as never;

describe('featureHandler (the middleware every Lambda runs)', () => {
  const frozen = Object.freeze({ id: 'frozen', user: 'registry', owner: 'internal' });
  const frozenDrift = Object.freeze({ id: 7, user: 'registry' }) as unknown as { id: string; user: string };
  const handler = featureHandler(
    testRoutes,
    {
      getThing: ({ params, user }) => {
        if (params.id === 'boom') throw new Error('database password is hunter2');
        if (params.id === 'missing') throw new NotFoundError('no thing missing');
        // An internal field is stripped by the response schema; a wrong shape is a contract violation.
        if (params.id === 'drift')
          return { id: 7, user: user.sub } as unknown as { id: string; user: string };
        // Frozen values (registry data) are checked and serialised once, and still checked.
        if (params.id === 'frozen') return frozen;
        if (params.id === 'frozen-drift') return frozenDrift;
        return { id: params.id, user: user.sub, owner: 'internal' };
      },
      createThing: ({ body, user }) => reply(201, { id: body.id, user: user.sub }),
      thingZip: () => reply(200, new Uint8Array([80, 75, 3, 4]), { 'content-disposition': 'attachment' }),
    },
    () => ({}),
  );

  it('answers with JSON shaped by the route: fields outside the schema are stripped', async () => {
    const result = await handler(
      event('GET /api/things/{id}', '/api/things/x', { pathParameters: { id: 'x' } }),
      context,
    );
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toContain('application/json');
    expect(JSON.parse(result.body ?? '')).toEqual({ id: 'x', user: 'alice' });
  });

  it('answers a frozen body the same each time, stripped; a frozen body outside the contract stays a 500', async () => {
    const get = (id: string) =>
      handler(event('GET /api/things/{id}', `/api/things/${id}`, { pathParameters: { id } }), context);
    for (let i = 0; i < 2; i++) {
      const result = await get('frozen');
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body ?? '')).toEqual({ id: 'frozen', user: 'registry' });
      expect((await get('frozen-drift')).statusCode).toBe(500);
    }
  });

  it('passes the parsed body and answers with the status the handler replies with', async () => {
    const result = await handler(
      event('POST /api/things', '/api/things', { body: JSON.stringify({ id: 'new' }) }),
      context,
    );
    expect(result.statusCode).toBe(201);
    expect(JSON.parse(result.body ?? '')).toEqual({ id: 'new', user: 'alice' });
  });

  it('sends binary content base64-encoded with its media type', async () => {
    const result = await handler(
      event('GET /api/things/{id}/zip', '/api/things/x/zip', { pathParameters: { id: 'x' } }),
      context,
    );
    expect(result).toMatchObject({ statusCode: 200, isBase64Encoded: true });
    expect(result.headers).toMatchObject({
      'content-type': 'application/zip',
      'content-disposition': 'attachment',
    });
    expect([...Buffer.from(result.body ?? '', 'base64')]).toEqual([80, 75, 3, 4]);
  });

  it('answers a response outside its contract with a 500 that says nothing of it', async () => {
    const result = await handler(
      event('GET /api/things/{id}', '/api/things/drift', { pathParameters: { id: 'drift' } }),
      context,
    );
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body ?? '')).toMatchObject({ type: 'internal-error' });
  });

  it('turns typed errors into problem+json with their status', async () => {
    const result = await handler(
      event('GET /api/things/{id}', '/api/things/missing', { pathParameters: { id: 'missing' } }),
      context,
    );
    expect(result.statusCode).toBe(404);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(result.body ?? '')).toMatchObject({
      type: 'not-found',
      status: 404,
      instance: '/api/things/missing',
      traceId: 'trace-1',
    });
  });

  it('never puts internals in a 500', async () => {
    const result = await handler(
      event('GET /api/things/{id}', '/api/things/boom', { pathParameters: { id: 'boom' } }),
      context,
    );
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('hunter2');
    expect(JSON.parse(result.body ?? '')).toMatchObject({ type: 'internal-error', traceId: 'trace-1' });
  });

  it('rejects a request without a user, malformed JSON and a body outside its schema with 4xx problems', async () => {
    const anonymous = await handler(
      event('GET /api/things/{id}', '/api/things/x', {
        pathParameters: { id: 'x' },
        requestContext: {} as never,
      }),
      context,
    );
    expect(anonymous.statusCode).toBe(401);
    const malformed = await handler(event('POST /api/things', '/api/things', { body: '{oops' }), context);
    expect(malformed.statusCode).toBe(400);
    expect(JSON.parse(malformed.body ?? '')).toMatchObject({
      type: 'validation-error',
      errors: [{ path: 'body' }],
    });
    const unknownField = await handler(
      event('POST /api/things', '/api/things', { body: JSON.stringify({ id: 'a', colour: 'red' }) }),
      context,
    );
    expect(unknownField.statusCode).toBe(400);
    expect(JSON.parse(unknownField.body ?? '').errors).toEqual([
      { path: 'colour', message: 'unknown field; check its spelling' },
    ]);
  });
});

describe('numbers outside their bounds', () => {
  const models = createModelsHandler(() => PlatformConfig.parse({}));
  const ask = (query: string, body?: unknown) =>
    models(
      body === undefined
        ? event('GET /api/models/recommend', '/api/models/recommend', {
            rawQueryString: query,
            queryStringParameters: Object.fromEntries(new URLSearchParams(query)),
          })
        : event('POST /api/models/compare', '/api/models/compare', { body: JSON.stringify(body) }),
      context,
    );
  const problem = (result: { body?: string }) => JSON.parse(result.body ?? '{}');

  it('answers 422 out-of-range naming each field, in the query and in the body', async () => {
    const tooMany = await ask('useCase=x&requests=1e13&inputTokens=1&outputTokens=-1');
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.headers?.['content-type']).toContain('application/problem+json');
    expect(problem(tooMany)).toMatchObject({ type: 'out-of-range', status: 422 });
    expect(problem(tooMany).errors.map((e: { path: string }) => e.path)).toEqual([
      'query.requests',
      'query.outputTokens',
    ]);
    const compared = await ask('', {
      ids: ['amazon.nova-lite-v1:0', 'amazon.nova-pro-v1:0'],
      workload: { requestsPerMonth: 5, avgInputTokens: 1e9, avgOutputTokens: 1 },
    });
    expect(problem(compared)).toMatchObject({
      type: 'out-of-range',
      errors: [{ path: 'workload.avgInputTokens' }],
    });
  });

  it('keeps 400 validation-error for what is not a number at all, or a mix of both', async () => {
    expect(problem(await ask('useCase=x&requests=abc&inputTokens=1&outputTokens=1'))).toMatchObject({
      type: 'validation-error',
      status: 400,
    });
    expect(problem(await ask('useCase=&requests=1e13&inputTokens=1&outputTokens=1')).type).toBe(
      'validation-error',
    );
  });
});
