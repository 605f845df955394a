import { type PlatformConfig, platformConfig } from '../core/config.ts';
import { featureHandler } from '../core/http.ts';
import { validateCompatibility } from './compatibility.ts';
import { resolveDependencies } from './dependencies.ts';
import { loadToolRegistry } from './load.ts';
import { toolRoutes } from './routes.ts';

/** The feature's Lambda, configured by `config` (the process environment in AWS). */
export const createHandler = (config: () => PlatformConfig = platformConfig) =>
  featureHandler(
    toolRoutes,
    {
      listTools: ({ query }, { tools }) => tools.filter(query),
      resolveTools: ({ body: { ids, language, platform } }, { tools }) => {
        const dependencies = resolveDependencies(tools, ids, language);
        const compatibility = platform ? validateCompatibility(tools, ids, platform, language) : undefined;
        const ok =
          dependencies.conflicts.length === 0 &&
          dependencies.unsupported.length === 0 &&
          (compatibility?.ok ?? true);
        return { ok, dependencies, ...(compatibility ? { compatibility } : {}) };
      },
    },
    () => ({ tools: loadToolRegistry() }),
    config,
  );

/** The Lambda's entry point. */
export const handler = createHandler();
