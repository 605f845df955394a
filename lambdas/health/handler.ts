import { featureHandler } from '../core/http.ts';
import { openApiDocument } from '../core/openapi.ts';

export const handler = featureHandler(
  {
    health: () => ({ status: 'ok', time: new Date().toISOString() }),
    openApi: (_request, deps) => deps.document,
  },
  () => ({ document: openApiDocument() }),
);
