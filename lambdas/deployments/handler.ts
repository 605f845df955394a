import { type PlatformConfig, platformConfig } from '../core/config.ts';
import { featureHandler, reply } from '../core/http.ts';
import { platformDeps, taskDeps } from './deps.ts';
import { deploymentRoutes } from './routes.ts';
import { getDeployment, listDeployments, startDeployment } from './service.ts';
import { type DeployState, runDeployTask } from './workflow.ts';

/** The feature's Lambda, configured by `config` (the process environment in AWS). */
export const createHandler = (config: () => PlatformConfig = platformConfig) =>
  featureHandler(
    deploymentRoutes,
    {
      listDeployments: ({ user, params }, deps) => listDeployments(deps, user.sub, params.id),
      startDeployment: async ({ user, params, body }, deps) =>
        reply(202, await startDeployment(deps, user.sub, params.id, body.generationId)),
      getDeployment: ({ user, params }, deps) => getDeployment(deps, user.sub, params.id, params.target),
    },
    platformDeps,
    config,
  );

/** The Lambda's entry point. */
export const handler = createHandler();

let deps: ReturnType<typeof taskDeps> | undefined;

/** The task states of the deployment workflow (invoked by Step Functions with `{task, input}`). */
export async function taskHandler(event: { task: string; input: unknown }): Promise<DeployState> {
  deps ??= taskDeps(platformConfig());
  return runDeployTask(event.task, event.input, deps);
}
