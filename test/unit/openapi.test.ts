import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { errorStatuses } from '../../lambdas/core/contract.ts';
import { openApiDocument } from '../../lambdas/core/openapi.ts';
import { apiSchemas, routeList } from '../../lambdas/routes.ts';

interface Operation {
  operationId: string;
  parameters: { name: string; in: string; schema: unknown }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
}
const document = openApiDocument(routeList, apiSchemas) as {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};
const operations = Object.values(document.paths).flatMap((p) => Object.values(p));
const operation = (id: string) => operations.find((o) => o.operationId === id);

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // Every $ref points at a component that exists.
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)];
    expect(refs.length).toBeGreaterThan(0);
    for (const [, name] of refs) expect(document.components.schemas, name).toHaveProperty(name as string);
  });

  it('lists every route with every status it answers, each with its schema', () => {
    expect(operations.map((o) => o.operationId).sort()).toEqual(routeList.map((r) => r.id).sort());
    for (const route of routeList) {
      const op = operation(route.id);
      const statuses = [...Object.keys(route.responses), ...errorStatuses(route).map(String)].sort();
      expect(Object.keys(op?.responses ?? {}).sort(), route.id).toEqual(statuses);
      for (const [status, response] of Object.entries(op?.responses ?? {})) {
        const media = Object.values(response.content ?? {});
        expect(media.length, `${route.id} ${status}`).toBe(1);
        // No empty schema stands in for a response.
        expect(Object.keys(media[0]?.schema ?? {}).length, `${route.id} ${status}`).toBeGreaterThan(0);
      }
      for (const status of errorStatuses(route))
        expect(Object.keys(op?.responses[String(status)]?.content ?? {})).toEqual([
          'application/problem+json',
        ]);
    }
  });

  it('describes every request body and parameter, with no schema left open', () => {
    for (const route of routeList.filter((r) => r.body)) {
      const schema = operation(route.id)?.requestBody?.content['application/json']?.schema ?? {};
      expect(Object.keys(schema).length, route.id).toBeGreaterThan(0);
    }
    expect(operation('listModels')?.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['provider', 'capability', 'maxInputPrice']),
    );
    expect(operation('getGeneratedFile')?.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      'path:id',
      'path:path',
    ]);
  });

  it('shares named schemas as components, with their input form apart where it differs', () => {
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['Problem', ...Object.keys(apiSchemas)]),
    );
    const update = operation('updateSession')?.requestBody?.content['application/json']?.schema;
    expect(update).toBeDefined();
    expect(JSON.stringify(document)).not.toContain('~input');
  });
});
