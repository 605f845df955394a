import { z } from 'zod';
import { type Route, routeList } from './routes.ts';

const Problem = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', description: 'machine-readable problem type, e.g. validation-error' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'what went wrong and what to do' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
    traceId: { type: 'string' },
  },
};

function parameters(route: Route) {
  const list: object[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, unknown>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      list.push({
        name: name === 'path' && where === 'path' ? 'path' : name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        schema: property,
      });
    }
  }
  return list;
}

/** The API as an OpenAPI 3.1 document, generated from the route table and its zod schemas. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routeList) {
    const path = route.path.replace('{path+}', '{path}');
    paths[path] ??= {};
    const body = route.body
      ? (z.toJSONSchema(route.body, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>)
      : undefined;
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      operationId: route.id,
      summary: route.summary,
      tags: [route.feature],
      ...(route.auth ? { security: [{ bearer: [] }] } : { security: [] }),
      parameters: parameters(route),
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
      responses: {
        '200': { description: 'OK', content: { 'application/json': { schema: {} } } },
        '4XX': {
          description: 'The request cannot be served; the body says why',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
        '5XX': {
          description: 'Server error',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Agent Builder Platform API',
      version: '0.1.0',
      description: 'Models, tools, sessions, code generation and cost estimates for Strands agents.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Problem },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
