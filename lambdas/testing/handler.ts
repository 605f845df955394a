import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { StreamEvent } from '../../runner/events.ts';
import { stoppedTaskFailure } from '../core/adapters/ecs-runner.ts';
import { type PlatformConfig, platformConfig } from '../core/config.ts';
import { DomainError, UnauthorizedError, ValidationError } from '../core/errors.ts';
import { featureHandler, logger, reply, verifyToken } from '../core/http.ts';
import { parseOrThrow } from '../core/zod-problems.ts';
import { evaluationDeps, evaluationHandlers } from '../evaluations/handler.ts';
import { evaluationRoutes } from '../evaluations/routes.ts';
import { endConversation, getConversation, sayInConversation, startConversation } from './conversations.ts';
import { testDeps } from './deps.ts';
import { StreamMessage } from './model.ts';
import { toOtlp } from './otlp.ts';
import { testingRoutes } from './routes.ts';
import {
  cancelRun,
  createRun,
  getBuild,
  getRun,
  recordStoppedTask,
  rerunTest,
  runTest,
  startBuild,
  type TestDeps,
  testHistory,
} from './service.ts';

/** The `testing` feature's HTTP routes. A build or run answers 202 at once unless `?wait=` holds it. */
/** The feature's Lambda, configured by `config` (the process environment in AWS). */
export const createHandler = (config: () => PlatformConfig = platformConfig) =>
  featureHandler(
    { ...testingRoutes, ...evaluationRoutes },
    {
      ...evaluationHandlers,
      buildTest: async ({ user, body, query }, deps) => {
        const { build, finished } = await startBuild(deps, user.sub, body, { waitMs: query.wait * 1000 });
        return reply(finished ? 201 : 202, build, { location: `/api/testing/builds/${build.id}` });
      },
      getBuild: ({ user, params }, deps) => getBuild(deps, user.sub, params.id),
      runTest: async ({ user, body, query }, deps) => {
        const { run, finished } = await runTest(deps, user.sub, body, { waitMs: query.wait * 1000 });
        return reply(finished ? 201 : 202, run, { location: `/api/testing/runs/${run.id}` });
      },
      getTestRun: ({ user, params }, deps) => getRun(deps, user.sub, params.id),
      getTestRunTrace: async ({ user, params }, deps) => toOtlp(await getRun(deps, user.sub, params.id)),
      rerunTest: async ({ user, params, query }, deps) => {
        const { run, finished } = await rerunTest(deps, user.sub, params.id, { waitMs: query.wait * 1000 });
        return reply(finished ? 201 : 202, run, { location: `/api/testing/runs/${run.id}` });
      },
      cancelTestRun: async ({ user, params }, deps) => reply(202, await cancelRun(deps, user.sub, params.id)),
      testHistory: ({ user, query }, deps) => testHistory(deps, user.sub, query),
      startConversation: async ({ user, body }, deps) => {
        const started = await startConversation(deps, user.sub, body);
        return reply(202, await getConversation(deps, user.sub, started.id), {
          location: `/api/testing/conversations/${started.id}`,
        });
      },
      getConversation: ({ user, params }, deps) => getConversation(deps, user.sub, params.id),
      sayInConversation: async ({ user, params, body, query }, deps) => {
        const { run, finished } = await sayInConversation(deps, user.sub, params.id, body, {
          waitMs: query.wait * 1000,
        });
        return reply(finished ? 201 : 202, run, { location: `/api/testing/runs/${run.id}` });
      },
      endConversation: ({ user, params }, deps) => endConversation(deps, user.sub, params.id),
    },
    evaluationDeps,
    config,
  );

/** The Lambda's entry point. */
export const handler = createHandler();

/** The WebSocket event API Gateway sends (and the local gateway imitates). */
export interface WebSocketEvent {
  requestContext: { routeKey: string; connectionId: string; eventType?: string; requestId?: string };
  queryStringParameters?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

let stoppedDeps: TestDeps | undefined;

/** What a client is told when its message is refused: the same problem+json fields the HTTP API uses. */
function problemMessage(error: unknown, requestId: string): StreamEvent {
  if (error instanceof DomainError)
    return { type: 'error', problem: { ...error.toJSON(), traceId: requestId } };
  logger.error('stream message failed', { error: error instanceof Error ? error.message : String(error) });
  return {
    type: 'error',
    problem: {
      type: 'internal-error',
      title: 'Something went wrong on our side',
      status: 500,
      detail: 'The message failed; try again. If it keeps failing, quote the traceId.',
      traceId: requestId,
    },
  };
}

/**
 * `WS /ws/testing/stream`: `$connect` checks `?token=` and remembers the caller; a message
 * `{"action":"run","buildId":…,"input":…}` starts a run whose events the runner posts to this
 * connection (`accepted` first, then status, text, tool calls, logs, metrics and the result);
 * `{"action":"cancel","runId":…}` stops one; `{"action":"build","generationId":…}` starts a build
 * whose events (phases, install progress, logs, the result) come the same way, after `build_accepted`;
 * `{"action":"say","conversationId":…,"input":…}` sends a conversation's next message to its warm agent.
 */
export function createWsHandler(config: () => PlatformConfig = platformConfig) {
  let built: TestDeps | undefined;
  return middy<WebSocketEvent, { statusCode: number; body?: string }>()
    .use(injectLambdaContext(logger))
    .handler(async (event) => {
      built ??= testDeps(config());
      const deps = built;
      const { routeKey, connectionId, requestId = connectionId } = event.requestContext;
      if (routeKey === '$connect') {
        try {
          const user = await verifyToken(event.queryStringParameters?.token ?? '', config());
          await deps.tests.putConnection(connectionId, user.sub);
          return { statusCode: 200 };
        } catch (error) {
          if (error instanceof UnauthorizedError) return { statusCode: 401, body: error.message };
          throw error;
        }
      }
      if (routeKey === '$disconnect') {
        await deps.tests.deleteConnection(connectionId);
        return { statusCode: 200 };
      }
      try {
        const owner = await deps.tests.getConnectionOwner(connectionId);
        if (!owner) throw new UnauthorizedError('this connection is not signed in; reconnect with ?token=');
        let body: unknown;
        try {
          const text = event.isBase64Encoded
            ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
            : event.body;
          body = JSON.parse(text ?? '');
        } catch {
          throw new ValidationError('the message is not valid JSON', [
            { path: 'body', message: 'send {"action":"run","buildId":"…","input":"…"}' },
          ]);
        }
        const message = parseOrThrow(StreamMessage, body, 'the message');
        if (message.action === 'cancel') {
          const run = await cancelRun(deps, owner, message.runId);
          await deps.connections.post(connectionId, { type: 'cancelling', runId: run.id });
        } else if (message.action === 'build') {
          const { build } = await startBuild(
            deps,
            owner,
            { generationId: message.generationId },
            { connectionId },
          );
          await deps.connections.post(connectionId, { type: 'build_accepted', buildId: build.id });
        } else if (message.action === 'say') {
          const { run } = await sayInConversation(
            deps,
            owner,
            message.conversationId,
            { input: message.input },
            { connectionId },
          );
          await deps.connections.post(connectionId, {
            type: 'accepted',
            runId: run.id,
            buildId: run.buildId,
            sessionId: run.sessionId,
          });
        } else {
          const { action: _action, ...runBody } = message;
          const { run } = await createRun(deps, owner, runBody, connectionId);
          await deps.connections.post(connectionId, {
            type: 'accepted',
            runId: run.id,
            buildId: run.buildId,
            sessionId: run.sessionId,
          });
        }
      } catch (error) {
        await deps.connections.post(connectionId, problemMessage(error, requestId));
      }
      return { statusCode: 200 };
    });
}

/** The WebSocket API's Lambda. */
export const wsHandler = createWsHandler();

/** The detail of an EventBridge "ECS Task State Change" event. */
interface TaskStateChange {
  detail: {
    startedBy?: string;
    lastStatus?: string;
    stoppedReason?: string;
    stopCode?: string;
    containers?: { exitCode?: number; reason?: string }[];
  };
}

/**
 * A runner task that stopped: when it stopped badly (a crash, out of memory, an image that would not
 * pull) its build or run is recorded as failed, so no failure is silent even after the API answered.
 */
export async function taskStoppedHandler(event: TaskStateChange): Promise<void> {
  stoppedDeps ??= testDeps(platformConfig());
  const { startedBy, lastStatus } = event.detail;
  if (lastStatus !== 'STOPPED' || !startedBy) return;
  const failure = stoppedTaskFailure(event.detail);
  if (!failure) return;
  await recordStoppedTask(stoppedDeps, startedBy, failure);
}
