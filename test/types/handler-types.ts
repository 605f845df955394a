import { z } from 'zod';
import { binaryContent, defineRoutes, IdParams } from '../../lambdas/core/contract.ts';
import { featureHandler, reply } from '../../lambdas/core/http.ts';

/** Routes of a feature made up for the tests of featureHandler. */
const Thing = z.object({ id: z.string(), user: z.string() });
export const testRoutes = defineRoutes('test', {
  getThing: {
    method: 'GET',
    path: '/api/things/{id}',
    auth: true,
    summary: 'a thing',
    params: IdParams,
    responses: { 200: Thing },
    errors: [404],
  },
  createThing: {
    method: 'POST',
    path: '/api/things',
    auth: true,
    summary: 'make a thing',
    body: z.object({ id: z.string().min(1) }).strict(),
    responses: { 201: Thing },
  },
  thingZip: {
    method: 'GET',
    path: '/api/things/{id}/zip',
    auth: false,
    summary: 'a thing, zipped',
    params: IdParams,
    responses: { 200: binaryContent('application/zip', 'the zip') },
  },
});

/**
 * Compile-time checks, run by `npm run typecheck` (never called): each `@ts-expect-error` fails the
 * type-check if the error it expects goes away, so a handler cannot drift from its route unnoticed.
 */
export function handlerTypeChecks() {
  featureHandler(
    testRoutes,
    {
      // @ts-expect-error a number is not a string id
      getThing: ({ params }) => ({ id: params.id.length, user: 'u' }),
      // @ts-expect-error createThing answers 201, not 200
      createThing: ({ body }) => reply(200, { id: body.id, user: 'u' }),
      thingZip: () => reply(200, new Uint8Array()),
    },
    () => ({}),
  );
  featureHandler(
    testRoutes,
    // @ts-expect-error every route of the feature needs its handler
    {
      getThing: () => ({ id: 'x', user: 'u' }),
      createThing: ({ body }) => reply(201, { id: body.id, user: 'u' }),
    },
    () => ({}),
  );
}
