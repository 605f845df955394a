import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../lambdas/core/errors.ts';
import { featureHandler } from '../../lambdas/core/http.ts';
import { openApiDocument } from '../../lambdas/core/openapi.ts';
import { routeList } from '../../lambdas/core/routes.ts';

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
  const handler = featureHandler(
    {
      getModel: ({ params, user }) => {
        if (params.id === 'boom') throw new Error('database password is hunter2');
        if (params.id === 'missing') throw new NotFoundError('no model missing');
        return { id: params.id, user: user.sub };
      },
      compareModels: ({ body }) => body,
    },
    () => ({}),
  );

  it('answers with JSON, the caller identified from the JWT claims', async () => {
    const result = await handler(
      event('GET /api/models/{id}', '/api/models/x', { pathParameters: { id: 'x' } }),
      context,
    );
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? '')).toEqual({ id: 'x', user: 'alice' });
  });

  it('turns typed errors into problem+json with their status', async () => {
    const result = await handler(
      event('GET /api/models/{id}', '/api/models/missing', { pathParameters: { id: 'missing' } }),
      context,
    );
    expect(result.statusCode).toBe(404);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(result.body ?? '')).toMatchObject({
      type: 'not-found',
      status: 404,
      instance: '/api/models/missing',
      traceId: 'trace-1',
    });
  });

  it('never puts internals in a 500', async () => {
    const result = await handler(
      event('GET /api/models/{id}', '/api/models/boom', { pathParameters: { id: 'boom' } }),
      context,
    );
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('hunter2');
    expect(JSON.parse(result.body ?? '')).toMatchObject({ type: 'internal-error', traceId: 'trace-1' });
  });

  it('rejects a request without a user, and malformed JSON, with 4xx problems', async () => {
    const anonymous = await handler(
      event('GET /api/models/{id}', '/api/models/x', {
        pathParameters: { id: 'x' },
        requestContext: {} as never,
      }),
      context,
    );
    expect(anonymous.statusCode).toBe(401);
    const malformed = await handler(
      event('POST /api/models/compare', '/api/models/compare', { body: '{oops' }),
      context,
    );
    expect(malformed.statusCode).toBe(400);
    expect(JSON.parse(malformed.body ?? '')).toMatchObject({
      type: 'validation-error',
      errors: [{ path: 'body' }],
    });
  });
});

describe('openApiDocument', () => {
  it('documents every route with its parameters and problem responses', () => {
    const doc = openApiDocument() as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string; parameters: { name: string }[] }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(operations.sort()).toEqual(routeList.map((r) => r.id).sort());
    expect(doc.paths['/api/models']?.get?.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['provider', 'capability', 'maxInputPrice']),
    );
  });
});
