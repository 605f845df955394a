import { type PlatformConfig, platformConfig } from '../core/config.ts';
import { featureHandler, reply } from '../core/http.ts';
import { deployPlan } from './deploy-plan.ts';
import { platformDeps } from './deps.ts';
import { generateRoutes } from './routes.ts';
import {
  downloadGeneration,
  getGeneratedFile,
  getGeneration,
  listVersions,
  startGeneration,
} from './service.ts';
import { runTask } from './tasks.ts';

/** The feature's Lambda, configured by `config` (the process environment in AWS). */
export const createHandler = (config: () => PlatformConfig = platformConfig) =>
  featureHandler(
    generateRoutes,
    {
      generate: async ({ user, body }, deps) => reply(201, await startGeneration(deps, user.sub, body)),
      listVersions: ({ user, params }, deps) => listVersions(deps, user.sub, params.id),
      getGeneration: ({ user, params }, deps) => getGeneration(deps, user.sub, params.id),
      deployPlan: async ({ user, params }, deps) =>
        deployPlan(await getGeneration(deps, user.sub, params.id), deps.registries),
      getGeneratedFile: ({ user, params }, deps) => getGeneratedFile(deps, user.sub, params.id, params.path),
      downloadGeneration: async ({ user, params }, deps) => {
        const { name, zip } = await downloadGeneration(deps, user.sub, params.id);
        return reply(200, zip, { 'content-disposition': `attachment; filename="${name}.zip"` });
      },
    },
    platformDeps,
    config,
  );

/** The Lambda's entry point. */
export const handler = createHandler();

let taskDeps: ReturnType<typeof platformDeps> | undefined;

/** The task states of the generation workflow (invoked by Step Functions with `{task, input}`). */
export async function taskHandler(event: { task: string; input: unknown }): Promise<unknown> {
  taskDeps ??= platformDeps(platformConfig());
  return runTask(event.task, event.input, taskDeps);
}
