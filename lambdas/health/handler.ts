import { type PlatformConfig, platformConfig } from '../core/config.ts';
import { featureHandler, reply } from '../core/http.ts';
import { openApiDocument } from '../core/openapi.ts';
import { apiSchemas, routeList } from '../routes.ts';
import { apiReferencePage, apiReferenceScript } from './api-reference.ts';
import { healthRoutes } from './routes.ts';

/** The feature's Lambda, configured by `config` (the process environment in AWS). */
export const createHandler = (config: () => PlatformConfig = platformConfig) =>
  featureHandler(
    healthRoutes,
    {
      health: () => ({ status: 'ok', time: new Date().toISOString() }),
      openApi: (_request, deps) => deps.document,
      apiDocs: () => apiReferencePage(),
      apiDocsScript: () =>
        reply(200, apiReferenceScript(), {
          'content-encoding': 'gzip',
          'cache-control': 'public, max-age=86400',
        }),
    },
    () => ({ document: openApiDocument(routeList, apiSchemas) as { openapi: '3.1.0' } }),
    config,
  );

/** The Lambda's entry point. */
export const handler = createHandler();
