import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError, NotFoundError } from '../core/errors.ts';
import { getGeneration } from '../generate/service.ts';
import type { Conversation, ConversationBody, ConversationRecord, TestRunRecord, TurnBody } from './model.ts';
import { totalCost } from './run-cost.ts';
import { cacheScopeOf } from './run-credentials.ts';
import {
  cappedLimits,
  getRun,
  launchHolding,
  now,
  REPORT_GRACE_MS,
  readyBuild,
  reconcile,
  recordConversationEnd,
  requireFlag,
  type StartOptions,
  type TestDeps,
  withOutput,
} from './service.ts';

/** How long a conversation's agent is kept without a turn, unless asked otherwise (AgentCore's default). */
export const DEFAULT_IDLE_MS = 15 * 60_000;
/**
 * The longest a conversation's agent is kept, however busy: its slot's deadline, within the hour a
 * Fargate runner's chained-role credentials last.
 */
export const MAX_CONVERSATION_MS = 55 * 60_000;

/**
 * Starts a conversation: its READY build's agent is started once by a runner (`serve` job) and kept
 * up for its turns with one runtime session id. Holds one of the owner's runner slots (bounded per
 * builder and in total) until it ends; answers at once, ACTIVE, while the agent starts.
 */
export async function startConversation(
  deps: TestDeps,
  owner: string,
  input: ConversationBody,
  options: Pick<StartOptions, 'connectionId'> = {},
): Promise<ConversationRecord> {
  await requireFlag(deps, 'warm-agents', owner);
  const build = await readyBuild(deps, owner, input.buildId);
  await deps.limiter.hit(owner, 'test', deps.limitPerHour);
  const limits = cappedLimits(undefined, deps.caps);
  const created = now(deps);
  const id = randomUUID();
  const idleTimeoutMs = input.idleTimeoutSeconds
    ? input.idleTimeoutSeconds * 1000
    : (deps.idleTimeoutMs ?? DEFAULT_IDLE_MS);
  const conversation: ConversationRecord = {
    id,
    owner,
    buildId: build.id,
    generationId: build.generationId,
    ...(build.sessionId ? { sessionId: build.sessionId } : {}),
    ...(build.modelId ? { modelId: build.modelId } : {}),
    status: 'ACTIVE',
    runtimeSessionId: `conversation-${id}`,
    idleTimeoutMs,
    createdAt: created.toISOString(),
    expiresAt: new Date(created.getTime() + MAX_CONVERSATION_MS).toISOString(),
  };
  await deps.slots?.acquire(owner, id, new Date(Date.parse(conversation.expiresAt) + REPORT_GRACE_MS));
  await deps.tests.putConversation(conversation);
  const generation = await getGeneration(deps, owner, build.generationId);
  const started = await launchHolding(deps, owner, id, {
    job: {
      mode: 'serve',
      runId: id,
      cacheScope: cacheScopeOf(owner),
      buildKey: build.contentKey ?? build.id,
      project: { artifactKey: `${generation.artifactPrefix}/project.zip` },
      runtimeSessionId: conversation.runtimeSessionId,
      env: input.env ?? {},
      limits,
      idleTimeoutMs,
      requestedAt: conversation.createdAt,
    },
    record: { kind: 'conversation', id },
    owner,
    generationId: build.generationId,
    ...(build.sessionId ? { sessionId: build.sessionId } : {}),
    ...(options.connectionId ? { connectionId: options.connectionId } : {}),
  });
  if (started.taskArn) {
    conversation.taskArn = started.taskArn;
    await deps.tests.putConversation(conversation);
  }
  return conversation;
}

/** A conversation of the owner's; one past its deadline whose runner never reported is ENDED as lost. */
async function ownConversation(deps: TestDeps, owner: string, id: string): Promise<ConversationRecord> {
  const conversation = await deps.tests.getConversation(id);
  if (!conversation || conversation.owner !== owner) throw new NotFoundError(`no conversation ${id}`);
  if (
    conversation.status === 'ACTIVE' &&
    now(deps).getTime() > Date.parse(conversation.expiresAt) + REPORT_GRACE_MS
  ) {
    await recordConversationEnd(deps, id, 'its runner did not report before the conversation deadline');
    return (await deps.tests.getConversation(id)) ?? conversation;
  }
  return conversation;
}

/** A conversation with its turns (oldest first, each with its output) and, while it starts, its progress. */
export async function getConversation(deps: TestDeps, owner: string, id: string): Promise<Conversation> {
  const {
    owner: _owner,
    taskArn: _task,
    expiresAt: _expires,
    ...conversation
  } = await ownConversation(deps, owner, id);
  const turns = await deps.tests.listTurns(id);
  const progress =
    conversation.status === 'ACTIVE' ? await deps.tests.getProgress('conversation', id) : undefined;
  const full = await Promise.all(turns.map(async (t) => withOutput(deps, await reconcile(deps, t))));
  const cost = totalCost(full.flatMap((t) => (t.cost ? [t.cost] : [])));
  return {
    ...conversation,
    ...(progress ? { progress } : {}),
    turns: full,
    ...(cost ? { cost } : {}),
  };
}

/**
 * Sends the next message of a conversation: a run (RUNNING) queued for its agent, answered by its
 * runner with the conversation's runtime session id; within `options.waitMs`, its result.
 */
export async function sayInConversation(
  deps: TestDeps,
  owner: string,
  id: string,
  input: TurnBody,
  options: StartOptions = {},
): Promise<{ run: TestRunRecord; finished: boolean }> {
  const conversation = await ownConversation(deps, owner, id);
  if (conversation.status === 'ENDED')
    throw new ConflictError(
      `conversation ${id} has ended (${conversation.endedReason ?? 'stopped'}); start a new conversation`,
    );
  await deps.limiter.hit(owner, 'test', deps.limitPerHour);
  const limits = cappedLimits(undefined, deps.caps);
  const created = now(deps);
  const run: TestRunRecord = {
    // Named after its conversation, so the conversation's runner may record it and no other run.
    id: `${id}-${randomUUID()}`,
    owner,
    buildId: conversation.buildId,
    generationId: conversation.generationId,
    ...(conversation.sessionId ? { sessionId: conversation.sessionId } : {}),
    ...(conversation.modelId ? { modelId: conversation.modelId } : {}),
    conversationId: id,
    input: input.input,
    status: 'RUNNING',
    runtimeSessionId: conversation.runtimeSessionId,
    // The agent may still be starting (a build to finish, a process to start) when the turn is queued.
    expiresAt: new Date(
      created.getTime() + limits.buildTimeoutMs + limits.timeoutMs + REPORT_GRACE_MS,
    ).toISOString(),
    createdAt: created.toISOString(),
  };
  await deps.tests.putRun(run);
  await deps.tests.enqueueTurn(id, {
    runId: run.id,
    input: input.input,
    requestedAt: run.createdAt,
    ...(options.connectionId ? { connectionId: options.connectionId } : {}),
  });
  const budget = Math.min(options.waitMs ?? 0, deps.waitMs);
  const deadline = Date.now() + budget;
  let current = run;
  while (budget > 0 && current.status === 'RUNNING' && Date.now() < deadline) {
    await sleep(200);
    current = await getRun(deps, owner, run.id);
  }
  return { run: current, finished: current.status !== 'RUNNING' };
}

/** Ends a conversation: its agent is stopped (a turn still going reports `cancelled`). */
export async function endConversation(deps: TestDeps, owner: string, id: string): Promise<Conversation> {
  const conversation = await ownConversation(deps, owner, id);
  if (conversation.status === 'ENDED')
    throw new ConflictError(
      `conversation ${id} has already ended (${conversation.endedReason ?? 'stopped'})`,
    );
  await recordConversationEnd(deps, id, 'ended by the builder');
  await deps.backend.cancel(id, conversation.taskArn);
  return getConversation(deps, owner, id);
}
