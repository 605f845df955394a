import { createHash, randomUUID } from 'node:crypto';
import { DEFAULT_LIMITS, RunLimits, type RunResult, type StreamEvent } from '../../runner/events.ts';
import type { RunnerTask } from '../../runner/task.ts';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.ts';
import { type Features, type FlagKey, requireFeature } from '../core/flags/guard.ts';
import type {
  ArtifactStore,
  ConnectionPoster,
  RateLimiter,
  RunnerBackend,
  StartedRunner,
} from '../core/ports.ts';
import type { GenerationRepository } from '../generate/ports.ts';
import { getGeneration } from '../generate/service.ts';
import type { BuildBody, BuildRecord, HistoryQuery, RunBody, TestRunRecord } from './model.ts';
import type { RunnerSlots, TestRepository } from './ports.ts';
import { type PreflightContext, preflight, projectModel } from './preflight.ts';
import { priceOf } from './run-cost.ts';
import { cacheScopeOf } from './run-credentials.ts';

export interface TestDeps {
  /** The feature flags (warm agents, evaluations); absent only in tests that do not exercise them: all on. */
  features?: Features;
  tests: TestRepository;
  generations: GenerationRepository;
  store: ArtifactStore;
  backend: RunnerBackend;
  connections: ConnectionPoster<StreamEvent>;
  limiter: RateLimiter;
  /** Builds and runs a user may start per hour. */
  limitPerHour: number;
  /**
   * The longest a request may wait for its build or run (`?wait=`, bounded under API Gateway's 30 s)
   * before answering 202; the work goes on and its result arrives later either way.
   */
  waitMs: number;
  /** How long a conversation's agent is kept without a turn, unless the builder asks otherwise. */
  idleTimeoutMs?: number;
  /** What the platform can offer a build (reachable registries, a model endpoint): checked before it starts. */
  preflight?: PreflightContext;
  /** Concurrent runner tasks, capped per user and in total. */
  slots?: RunnerSlots;
  /** The most a builder may ask of a run (the operator's caps, within the runner's own bounds). */
  caps?: { runMs: number; buildMs: number; memoryMb: number };
  /**
   * Records an evaluation whose runner task ended without finishing it (an `evaluate` job: the
   * evaluations feature owns its record).
   */
  evaluationStopped?: (id: string, reason: string) => Promise<void>;
  now?: () => Date;
}

/**
 * The limits a run asks for, within the operator's caps: asking for more is refused naming the field
 * and the cap (a validation problem), never silently lowered; defaults above a cap are lowered to it.
 */
export function cappedLimits(asked: RunBody['limits'], caps: TestDeps['caps']): RunLimits {
  const limits = RunLimits.parse(asked ?? {});
  if (!caps) return limits;
  const fields = [
    ['timeoutMs', caps.runMs, 'ms'],
    ['buildTimeoutMs', caps.buildMs, 'ms'],
    ['memoryMb', caps.memoryMb, 'MiB'],
  ] as const;
  const over = fields.filter(
    ([field, cap]) => asked?.[field] !== undefined && (asked[field] as number) > cap,
  );
  if (over.length > 0)
    throw new ValidationError(
      'a limit is above what this platform allows',
      over.map(([field, cap, unit]) => ({
        path: `limits.${field}`,
        message: `at most ${cap.toLocaleString('en-US')} ${unit} on this platform`,
      })),
    );
  return {
    ...limits,
    timeoutMs: Math.min(limits.timeoutMs, caps.runMs),
    buildTimeoutMs: Math.min(limits.buildTimeoutMs, caps.buildMs),
    memoryMb: Math.min(limits.memoryMb, caps.memoryMb),
  };
}

/** Outputs longer than this are kept in S3, not in the DynamoDB item (400 KB item limit). */
export const INLINE_OUTPUT_BYTES = 32_768;
/** Tool calls and logs larger than this together are kept in S3 too, so the item always fits. */
export const INLINE_DETAILS_BYTES = 131_072;
/** Time a runner gets beyond its own limits to report, before its run is reported as lost. */
export const REPORT_GRACE_MS = 120_000;

export const now = (deps: Pick<TestDeps, 'now'>) => deps.now?.() ?? new Date();
const taskKey = (id: string) => `tests/${id}/task.json`;

/** Stores the runner's task where the runner reads it (S3), then starts the runner. */
async function launch(deps: TestDeps, task: RunnerTask): Promise<StartedRunner> {
  await deps.store.put(taskKey(task.record.id), JSON.stringify(task), 'application/json');
  return deps.backend.start(task, taskKey(task.record.id));
}

/** Starts the runner for a task holding a slot; the slot is given back if the start fails. */
export async function launchHolding(
  deps: TestDeps,
  owner: string,
  id: string,
  task: RunnerTask,
): Promise<StartedRunner> {
  try {
    return await launch(deps, task);
  } catch (error) {
    await deps.slots?.release(owner, id);
    throw error;
  }
}

/** How a request that starts work waits: `waitMs` for the result (within the deps' cap), and who streams it. */
export interface StartOptions {
  /** How long to wait for the result before answering with the record still going. @default 0 */
  waitMs?: number;
  /** A WebSocket connection that receives the runner's events. */
  connectionId?: string;
}

/** Waits for a runner up to `waitMs` (never beyond the deps' cap); whichever comes first. */
async function waitFor(deps: TestDeps, done: Promise<void>, waitMs = 0): Promise<void> {
  const budget = Math.min(waitMs, deps.waitMs);
  if (budget <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    done.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, budget);
    }),
  ]);
  clearTimeout(timer);
}

/**
 * Starts building a generation's project (install + compile) with the runner and answers with the
 * BUILDING record at once (or, within `options.waitMs`, READY or FAILED with the compiler's message).
 * What cannot work here (no PyPI for a Python agent, a model needing a key) is refused before it starts.
 */
export async function startBuild(
  deps: TestDeps,
  owner: string,
  input: BuildBody,
  options: StartOptions = {},
): Promise<{ build: BuildRecord; finished: boolean }> {
  const generation = await getGeneration(deps, owner, input.generationId);
  if (generation.status !== 'SUCCEEDED' || !generation.artifactPrefix) {
    throw new ConflictError(
      `generation ${generation.id} failed (${generation.reason ?? 'no project'}); generate again first`,
    );
  }
  const model = await projectModel(deps, owner, generation);
  if (deps.preflight) await preflight(deps.preflight, generation, model);
  await deps.limiter.hit(owner, 'test', deps.limitPerHour);
  // A conversation's agent runs the build it started on: building again ends it.
  await endConversationsOfGeneration(deps, owner, generation.id, 'its project is being built again');
  const limits = cappedLimits(undefined, deps.caps);
  const created = now(deps);
  // The generated project's own key (a generation cache hit shares its files, and so its build).
  const contentKey = `gen-${createHash('sha256').update(generation.artifactPrefix).digest('hex').slice(0, 24)}`;
  const build: BuildRecord = {
    id: randomUUID(),
    owner,
    generationId: generation.id,
    ...(generation.sessionId ? { sessionId: generation.sessionId } : {}),
    ...(generation.name ? { name: generation.name } : {}),
    ...(generation.language ? { language: generation.language } : {}),
    ...(model.modelId ? { modelId: model.modelId } : {}),
    contentKey,
    status: 'BUILDING',
    createdAt: created.toISOString(),
  };
  await deps.slots?.acquire(
    owner,
    build.id,
    new Date(created.getTime() + limits.buildTimeoutMs + REPORT_GRACE_MS),
  );
  await deps.tests.putBuild(build);
  const started = await launchHolding(deps, owner, build.id, {
    job: {
      mode: 'build',
      runId: build.id,
      cacheScope: cacheScopeOf(owner),
      buildKey: contentKey,
      project: { artifactKey: `${generation.artifactPrefix}/project.zip` },
      limits,
    },
    record: { kind: 'build', id: build.id },
    owner,
    generationId: generation.id,
    ...(generation.sessionId ? { sessionId: generation.sessionId } : {}),
    ...(options.connectionId ? { connectionId: options.connectionId } : {}),
  });
  if (started.taskArn) await deps.tests.putBuild({ ...build, taskArn: started.taskArn });
  await waitFor(deps, started.done, options.waitMs);
  const current = await getBuild(deps, owner, build.id);
  return { build: current, finished: current.status !== 'BUILDING' };
}

/** A build; while it is going, with the runner's progress (phase, elapsed time, log tail). */
export async function getBuild(
  deps: Pick<TestDeps, 'tests' | 'now'>,
  owner: string,
  id: string,
): Promise<BuildRecord> {
  const build = await deps.tests.getBuild(id);
  if (!build || build.owner !== owner) throw new NotFoundError(`no build ${id}`);
  if (build.status === 'BUILDING') {
    const progress = await deps.tests.getProgress('build', id);
    if (progress) build.progress = progress;
  }
  const deadline = Date.parse(build.createdAt) + DEFAULT_LIMITS.buildTimeoutMs + REPORT_GRACE_MS;
  if (build.status === 'BUILDING' && now(deps).getTime() > deadline) {
    const lost: BuildRecord = {
      ...build,
      status: 'FAILED',
      reason: 'the runner did not report this build in time and is presumed lost; build again',
      finishedAt: now(deps).toISOString(),
    };
    await deps.tests.putBuild(lost);
    return lost;
  }
  return build;
}

/** A build of the owner's that can be run: READY, else a conflict saying what to do. */
export async function readyBuild(deps: TestDeps, owner: string, id: string): Promise<BuildRecord> {
  const build = await getBuild(deps, owner, id);
  if (build.status === 'BUILDING')
    throw new ConflictError(
      `build ${build.id} is not finished yet; wait for it (GET /api/testing/builds/${build.id})`,
    );
  if (build.status === 'FAILED')
    throw new ConflictError(
      `build ${build.id} failed: ${build.reason ?? 'see its logs'}; fix the project and build again`,
    );
  return build;
}

/** Creates a run of a READY build and starts the runner; the caller waits for it or streams it. */
export async function createRun(
  deps: TestDeps,
  owner: string,
  input: RunBody,
  connectionId?: string,
  /** The agent session the run continues (an evaluation's conversation turns share one). */
  runtimeSessionId?: string,
): Promise<{ run: TestRunRecord; started: StartedRunner }> {
  const build = await readyBuild(deps, owner, input.buildId);
  await deps.limiter.hit(owner, 'test', deps.limitPerHour);
  const limits = cappedLimits(input.limits, deps.caps);
  const created = now(deps);
  const run: TestRunRecord = {
    id: randomUUID(),
    owner,
    buildId: build.id,
    generationId: build.generationId,
    ...(build.sessionId ? { sessionId: build.sessionId } : {}),
    ...(build.modelId ? { modelId: build.modelId } : {}),
    input: input.input,
    status: 'RUNNING',
    expiresAt: new Date(
      created.getTime() + limits.buildTimeoutMs + limits.timeoutMs + REPORT_GRACE_MS,
    ).toISOString(),
    createdAt: created.toISOString(),
  };
  await deps.slots?.acquire(owner, run.id, new Date(run.expiresAt));
  await deps.tests.putRun(run);
  const generation = await getGeneration(deps, owner, build.generationId);
  const started = await launchHolding(deps, owner, run.id, {
    job: {
      mode: 'run',
      runId: run.id,
      cacheScope: cacheScopeOf(owner),
      buildKey: build.contentKey ?? build.id,
      project: { artifactKey: `${generation.artifactPrefix}/project.zip` },
      input: input.input,
      ...(runtimeSessionId ? { runtimeSessionId } : {}),
      env: input.env ?? {},
      limits,
      // Time to first token is measured from here (the request's receipt), as well as agent-side.
      requestedAt: run.createdAt,
    },
    record: { kind: 'run', id: run.id },
    owner,
    generationId: build.generationId,
    ...(build.sessionId ? { sessionId: build.sessionId } : {}),
    ...(connectionId ? { connectionId } : {}),
  });
  if (started.taskArn) {
    run.taskArn = started.taskArn;
    await deps.tests.putRun(run);
  }
  return { run, started };
}

/** POST /api/testing/run: starts the run and answers with it RUNNING (or its result, within `options.waitMs`). */
export async function runTest(
  deps: TestDeps,
  owner: string,
  input: RunBody,
  options: StartOptions = {},
): Promise<{ run: TestRunRecord; finished: boolean }> {
  const { run, started } = await createRun(deps, owner, input, options.connectionId);
  await waitFor(deps, started.done, options.waitMs);
  const current = await getRun(deps, owner, run.id);
  return { run: current, finished: current.status !== 'RUNNING' };
}

/** Runs an earlier run's input again on the same build. */
export async function rerunTest(deps: TestDeps, owner: string, id: string, options: StartOptions = {}) {
  const previous = await getRun(deps, owner, id);
  return runTest(deps, owner, { buildId: previous.buildId, input: previous.input }, options);
}

/**
 * Stops a running run: its runner is stopped (reporting `cancelled`); a conversation's turn is stopped
 * by its runner, which keeps the agent up for the next turn.
 */
export async function cancelRun(deps: TestDeps, owner: string, id: string): Promise<TestRunRecord> {
  const run = await getRun(deps, owner, id);
  if (run.status !== 'RUNNING') throw new ConflictError(`run ${id} has already ended (${run.status})`);
  if (run.conversationId) await deps.tests.requestTurnCancel(run.conversationId, run.id);
  else await deps.backend.cancel(run.id, run.taskArn);
  return run;
}

/** One run with its full output; a run that outlived its deadline without a result is reported lost. */
export async function getRun(
  deps: Pick<TestDeps, 'tests' | 'store' | 'now'>,
  owner: string,
  id: string,
): Promise<TestRunRecord> {
  const run = await deps.tests.getRun(id);
  if (!run || run.owner !== owner) throw new NotFoundError(`no test run ${id}`);
  const current = await reconcile(deps, run);
  if (current.status === 'RUNNING') {
    const progress = await deps.tests.getProgress('run', id);
    if (progress) current.progress = progress;
  }
  return withOutput(deps, current);
}

export async function reconcile(
  deps: Pick<TestDeps, 'tests' | 'now'>,
  run: TestRunRecord,
): Promise<TestRunRecord> {
  if (run.status !== 'RUNNING' || now(deps).getTime() <= Date.parse(run.expiresAt)) return run;
  const lost: TestRunRecord = {
    ...run,
    status: 'failed',
    reason: 'the runner did not report a result before the run deadline and is presumed lost; run it again',
    finishedAt: now(deps).toISOString(),
  };
  await deps.tests.putRun(lost);
  return lost;
}

export async function withOutput(deps: Pick<TestDeps, 'store'>, run: TestRunRecord): Promise<TestRunRecord> {
  let full = run;
  if (run.output === undefined && run.outputKey) {
    const body = await deps.store.get(run.outputKey);
    full = { ...full, output: body ? Buffer.from(body).toString('utf8') : '' };
  }
  if (run.detailsKey && run.toolCalls === undefined) {
    const body = await deps.store.get(run.detailsKey);
    const details = body
      ? (JSON.parse(Buffer.from(body).toString('utf8')) as Pick<
          TestRunRecord,
          'toolCalls' | 'trace' | 'logs'
        >)
      : {};
    full = {
      ...full,
      toolCalls: details.toolCalls ?? [],
      trace: details.trace ?? [],
      logs: details.logs ?? [],
    };
  }
  return full;
}

/** Past runs of a session (or of a generation made without one), newest first, with inputs, outputs and metrics. */
export async function testHistory(
  deps: Pick<TestDeps, 'tests' | 'store' | 'generations' | 'now'>,
  owner: string,
  q: HistoryQuery,
): Promise<{ runs: TestRunRecord[] }> {
  const history = q.sessionId ? { sessionId: q.sessionId } : { generationId: q.generationId ?? '' };
  const runs = (await deps.tests.listRuns(history, q.limit)).filter((r) => r.owner === owner);
  return { runs: await Promise.all(runs.map(async (r) => withOutput(deps, await reconcile(deps, r)))) };
}

/** Stores what the runner reported: the build's or run's outcome (large outputs in S3). */
export async function recordResult(
  deps: Pick<TestDeps, 'tests' | 'store' | 'slots'>,
  record: RunnerTask['record'],
  result: RunResult,
): Promise<void> {
  if (record.kind === 'build') {
    const build = await deps.tests.getBuild(record.id);
    if (!build) return;
    await deps.slots?.release(build.owner, build.id);
    await deps.tests.putBuild({
      ...build,
      status: result.status === 'succeeded' ? 'READY' : 'FAILED',
      ...(result.reason ? { reason: result.reason } : {}),
      ...(result.language ? { language: result.language } : {}),
      logs: result.logs.slice(-100),
      installMs: result.metrics.installMs,
      buildMs: result.metrics.buildMs,
      finishedAt: result.finishedAt,
    });
    return;
  }
  const run = await deps.tests.getRun(record.id);
  if (!run) return;
  await deps.slots?.release(run.owner, run.id);
  const large = Buffer.byteLength(result.output) > INLINE_OUTPUT_BYTES;
  const outputKey = `tests/${run.id}/output.txt`;
  if (large) await deps.store.put(outputKey, result.output, 'text/plain; charset=utf-8');
  const details = {
    toolCalls: result.toolCalls,
    trace: result.trace ?? [],
    logs: result.logs.slice(-100),
  };
  const detailsJson = JSON.stringify(details);
  const detailsKey = `tests/${run.id}/details.json`;
  const largeDetails = Buffer.byteLength(detailsJson) > INLINE_DETAILS_BYTES;
  if (largeDetails) await deps.store.put(detailsKey, detailsJson, 'application/json');
  await deps.tests.putRun({
    ...run,
    status: result.status,
    ...(result.reason ? { reason: result.reason } : {}),
    ...(large ? { outputKey, output: undefined } : { output: result.output }),
    ...(largeDetails ? { detailsKey, toolCalls: undefined, trace: undefined, logs: undefined } : details),
    metrics: result.metrics,
    ...(() => {
      const cost = priceOf({ modelId: run.modelId, metrics: result.metrics, model: result.model });
      return cost ? { cost } : {};
    })(),
    model: result.model,
    ...(result.runtimeSessionId ? { runtimeSessionId: result.runtimeSessionId } : {}),
    finishedAt: result.finishedAt,
  });
}

/**
 * A runner that ended without reporting (it crashed, its task stopped, it was killed): its build or
 * run, if still in progress, is recorded as failed with the reason, and a streaming client is told.
 */
/**
 * A runner task that stopped badly (ECS task-state change): its build or run is failed with the reason
 * and, when the builder is watching, the reason is posted to their WebSocket connection too. The task
 * (stored where the runner read it) says which record and connection it was for.
 */
export async function recordStoppedTask(
  deps: Pick<TestDeps, 'tests' | 'connections' | 'slots' | 'store' | 'evaluationStopped'>,
  id: string,
  reason: string,
): Promise<void> {
  const body = await deps.store.get(taskKey(id)).catch(() => undefined);
  const task = body ? (JSON.parse(Buffer.from(body).toString('utf8')) as RunnerTask) : undefined;
  if (task?.record.id === id) {
    await recordRunnerFailure(deps, task, reason);
    return;
  }
  for (const kind of ['build', 'run', 'conversation', 'evaluation'] as const)
    await recordRunnerFailure(deps, { record: { kind, id } }, reason);
}

export async function recordRunnerFailure(
  deps: Pick<TestDeps, 'tests' | 'connections' | 'slots' | 'evaluationStopped'>,
  task: Pick<RunnerTask, 'record' | 'connectionId'>,
  reason: string,
  status: 'failed' | 'cancelled' = 'failed',
): Promise<void> {
  const finishedAt = new Date().toISOString();
  if (task.record.kind === 'evaluation') {
    await deps.evaluationStopped?.(task.record.id, reason);
    return;
  }
  if (task.record.kind === 'conversation') {
    await recordConversationEnd(deps, task.record.id, reason);
    return;
  }
  if (task.record.kind === 'build') {
    const build = await deps.tests.getBuild(task.record.id);
    if (build) await deps.slots?.release(build.owner, build.id);
    if (build?.status === 'BUILDING')
      await deps.tests.putBuild({ ...build, status: 'FAILED', reason, finishedAt });
    return;
  }
  const run = await deps.tests.getRun(task.record.id);
  if (run) await deps.slots?.release(run.owner, run.id);
  if (run?.status !== 'RUNNING') return;
  const failed: TestRunRecord = { ...run, status, reason, finishedAt };
  await deps.tests.putRun(failed);
  if (task.connectionId && status === 'failed') {
    await deps.connections
      .post(task.connectionId, { type: 'run_failed', runId: run.id, reason })
      .catch(() => undefined);
  }
}

/**
 * A conversation's agent has stopped (idle, ended, a limit, its runner gone): the conversation is
 * ENDED with why (a reason given first stays), its slot is given back, and turns still queued are
 * recorded as cancelled, since no agent will answer them.
 */
export async function recordConversationEnd(
  deps: Pick<TestDeps, 'tests' | 'slots'>,
  id: string,
  reason: string,
): Promise<void> {
  const conversation = await deps.tests.getConversation(id);
  if (!conversation) return;
  await deps.slots?.release(conversation.owner, id);
  const endedAt = new Date().toISOString();
  if (conversation.status !== 'ENDED')
    await deps.tests.putConversation({ ...conversation, status: 'ENDED', endedReason: reason, endedAt });
  for (let turn = await deps.tests.takeTurn(id); turn; turn = await deps.tests.takeTurn(id)) {
    const run = await deps.tests.getRun(turn.runId);
    if (run?.status === 'RUNNING')
      await deps.tests.putRun({
        ...run,
        status: 'cancelled',
        reason: `the conversation ended before this turn was answered (${reason})`,
        finishedAt: endedAt,
      });
  }
}

/** Ends the active conversations of a generation whose project is being built again: their agents stop. */
export async function endConversationsOfGeneration(
  deps: TestDeps,
  owner: string,
  generationId: string,
  reason: string,
): Promise<void> {
  for (const conversation of await deps.tests.listConversationsOfGeneration(generationId)) {
    if (conversation.owner !== owner || conversation.status !== 'ACTIVE') continue;
    await recordConversationEnd(deps, conversation.id, reason);
    await deps.backend.cancel(conversation.id, conversation.taskArn);
  }
}

/** Throws 403 feature-not-enabled when `key` is off for `owner`; every capability is on without flags. */
export async function requireFlag(
  deps: Pick<TestDeps, 'features'>,
  key: FlagKey,
  owner: string,
): Promise<void> {
  if (deps.features) await requireFeature({ features: deps.features }, key, { sub: owner });
}
