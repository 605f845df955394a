import { dataAdapters } from '../core/adapters/data.ts';
import { type PlatformConfig, platformConfig } from '../core/config.ts';
import { featureHandler, reply } from '../core/http.ts';
import { platformDeps } from '../generate/deps.ts';
import { startGeneration } from '../generate/service.ts';
import { DynamoDbSessionPurge } from '../testing/dynamodb-session-purge.ts';
import { extractContext } from './extract.ts';
import { sessionRoutes } from './routes.ts';
import { createModelConsultant } from './strands-consultant.ts';
import {
  addMessage,
  advanceSession,
  createSession,
  deleteSession,
  duplicateSession,
  getSession,
  listSessions,
  updateSession,
} from './workflow.ts';

/** The feature's Lambda, configured by `config` (the process environment in AWS). */
export const createHandler = (config: () => PlatformConfig = platformConfig) =>
  featureHandler(
    sessionRoutes,
    {
      createSession: async ({ user, body }, deps) =>
        reply(201, await createSession(deps, user.sub, body ?? {})),
      listSessions: async ({ user }, deps) => ({ sessions: await listSessions(deps, user.sub, 50) }),
      deleteSession: ({ user, params }, deps) => deleteSession(deps, user.sub, params.id),
      duplicateSession: async ({ user, params, body }, deps) =>
        reply(201, await duplicateSession(deps, user.sub, params.id, body ?? {})),
      getSession: ({ user, params }, deps) => getSession(deps, user.sub, params.id),
      updateSession: ({ user, params, body }, deps) => updateSession(deps, user.sub, params.id, body),
      addMessage: ({ user, params, body }, deps) => addMessage(deps, user.sub, params.id, body),
      advanceSession: async ({ user, params, body }, deps) => {
        const { session, startGeneration: generate } = await advanceSession(deps, user.sub, params.id, body);
        if (!generate) return { session };
        // Leaving IMPLEMENTATION starts generation; its outcome (success or a recorded failure) comes back too.
        const generation = await startGeneration(deps, user.sub, { sessionId: session.id });
        return { session: await getSession(deps, user.sub, session.id), generation };
      },
      sessionContext: async ({ user, params }, deps) =>
        extractContext(await getSession(deps, user.sub, params.id), deps.registries),
    },
    sessionDeps,
    config,
  );

/** The platform's adapters, plus the model-backed consultant (built on the first message that needs it). */
function sessionDeps(config: PlatformConfig) {
  const deps = platformDeps(config);
  const { table, store } = dataAdapters(config);
  let consultant: ReturnType<typeof createModelConsultant> | undefined;
  return {
    ...deps,
    purge: new DynamoDbSessionPurge(table, store),
    // The model-backed consultant rolls out behind its flag; off, the rule-based one answers (labelled).
    consultant: async (owner?: string) => {
      if (owner && !(await deps.features.evaluate('model-consultant', { sub: owner })).enabled)
        return undefined;
      consultant ??= createModelConsultant(config, deps.registries);
      return consultant;
    },
    consultantTimeoutMs: config.CONSULTANT_TIMEOUT_MS,
  };
}

/** The Lambda's entry point. */
export const handler = createHandler();
