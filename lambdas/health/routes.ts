import { z } from 'zod';
import { binaryContent, defineRoutes, textContent } from '../core/contract.ts';

/** The health feature: liveness, and the API describing itself (OpenAPI document and rendered reference). */
export const healthRoutes = defineRoutes('health', {
  health: {
    method: 'GET',
    path: '/api/health',
    auth: false,
    summary: 'Liveness of the API',
    responses: { 200: z.object({ status: z.literal('ok'), time: z.iso.datetime() }) },
  },
  openApi: {
    method: 'GET',
    path: '/api/openapi.json',
    auth: false,
    summary: 'This API as an OpenAPI 3.1 document',
    responses: {
      200: z.looseObject({ openapi: z.literal('3.1.0') }).describe('an OpenAPI 3.1 document'),
    },
  },
  apiDocs: {
    method: 'GET',
    path: '/api/docs',
    auth: false,
    summary: 'The API reference, rendered (Scalar)',
    responses: { 200: textContent('text/html; charset=utf-8', 'the API reference page') },
  },
  apiDocsScript: {
    method: 'GET',
    path: '/api/docs/scalar.js',
    auth: false,
    summary: 'The script of the API reference page (gzip)',
    responses: { 200: binaryContent('text/javascript; charset=utf-8', 'the Scalar bundle, gzip-encoded') },
  },
});
