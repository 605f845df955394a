import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_LIMITS } from '../../runner/events.ts';
import { NotFoundError, RateLimitedError, ValidationError } from '../core/errors.ts';
import { getGeneratedFile, getGeneration } from '../generate/service.ts';
import type { ModelRegistry } from '../models/registry.ts';
import type { ModelInfo as RegistryModel } from '../models/schema.ts';
import type { SessionRepository } from '../sessions/ports.ts';
import { endConversation, sayInConversation, startConversation } from '../testing/conversations.ts';
import type { TestRunRecord } from '../testing/model.ts';
import { historyOf } from '../testing/ports.ts';
import { cacheScopeOf } from '../testing/run-credentials.ts';
import {
  cappedLimits,
  createRun,
  getBuild,
  getRun,
  launchHolding,
  requireFlag,
  type TestDeps,
} from '../testing/service.ts';
import { executeEvaluation, withResult } from './execute.ts';
import type { Judge } from './judge.ts';
import type {
  EvaluationBody,
  EvaluationEntry,
  EvaluationHistoryQuery,
  EvaluationRecord,
  EvaluationRun,
  StoredSuite,
} from './model.ts';
import type { EvaluationRepository } from './ports.ts';
import type { CaseExecutor, ExecutedRun } from './run-suite.ts';
import { parseSuite, type Suite, turnsOf } from './suite.ts';

export { INLINE_RESULT_BYTES } from './execute.ts';

export interface EvaluationDeps extends TestDeps {
  evaluations: EvaluationRepository;
  sessions: Pick<SessionRepository, 'get'>;
  models: ModelRegistry;
  /** The judge for an agent's model, when a real model can grade here; else why judge assertions are skipped. */
  judgeFor?: (modelId: string) => Judge | string;
  /**
   * Run each evaluation as a runner task of its own (an `evaluate` job: AWS, where a request's process
   * is frozen once it has answered), rather than in this process through conversations (local).
   */
  inRunnerTask?: boolean;
}

const now = (deps: Pick<TestDeps, 'now'>) => deps.now?.() ?? new Date();

async function ownSession(deps: Pick<EvaluationDeps, 'sessions'>, owner: string, sessionId: string) {
  const session = await deps.sessions.get(sessionId);
  if (!session || session.owner !== owner) throw new NotFoundError(`no session ${sessionId}`);
}

/** Saves a session's suite after checking it (every problem listed by path or line). */
export async function saveSuite(
  deps: Pick<EvaluationDeps, 'evaluations' | 'sessions' | 'now' | 'features'>,
  owner: string,
  sessionId: string,
  yaml: string,
): Promise<StoredSuite> {
  await requireFlag(deps, 'evaluations', owner);
  await ownSession(deps, owner, sessionId);
  parseSuite(yaml, 'the suite');
  const suite: StoredSuite = { sessionId, yaml, updatedAt: now(deps).toISOString() };
  await deps.evaluations.putSuite(owner, suite);
  return suite;
}

/** Checks a suite without saving it: its figures, or a validation problem listing every issue. */
export function checkSuite(yaml: string) {
  const suite = parseSuite(yaml, 'the suite');
  const assertions = suite.cases.flatMap((c) => c.assertions);
  return {
    name: suite.name,
    cases: suite.cases.length,
    assertions: assertions.length,
    judged: assertions.filter((a) => a.type === 'judge').length,
  };
}

export async function getSuite(
  deps: Pick<EvaluationDeps, 'evaluations' | 'sessions'>,
  owner: string,
  sessionId: string,
): Promise<StoredSuite> {
  await ownSession(deps, owner, sessionId);
  const suite = await deps.evaluations.getSuite(sessionId);
  if (!suite || suite.owner !== owner)
    throw new NotFoundError(`session ${sessionId} has no saved suite yet; start from the starter suite`);
  const { owner: _owner, ...stored } = suite;
  return stored;
}

/** The starter suite (and the model price) the generator wrote into a generation's project. */
async function generatedFile(
  deps: Pick<TestDeps, 'generations' | 'store'>,
  owner: string,
  generationId: string,
  path: string,
): Promise<string | undefined> {
  // A project without that file (an older generation) has no starter suite: not an error here.
  return getGeneratedFile(deps, owner, generationId, path).catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
}

export async function starterSuite(
  deps: Pick<TestDeps, 'generations' | 'store'>,
  owner: string,
  generationId: string,
): Promise<{ generationId: string; yaml: string }> {
  const yaml = await generatedFile(deps, owner, generationId, 'evals/main.yaml');
  if (!yaml)
    throw new NotFoundError(
      `generation ${generationId} has no starter suite (generated before evaluations); generate again`,
    );
  return { generationId, yaml };
}

/** The registry entry of the agent's model, read from the price file the generator wrote. */
async function agentModel(
  deps: EvaluationDeps,
  owner: string,
  generationId: string,
): Promise<RegistryModel | undefined> {
  const price = await generatedFile(deps, owner, generationId, 'evals/model-price.json');
  if (!price) return undefined;
  const { modelId } = JSON.parse(price) as { modelId?: string };
  return modelId ? deps.models.find(modelId) : undefined;
}

/** Calls `start` again while it is refused for lack of a runner slot or of the hourly budget (a minute at most). */
async function whenAdmitted<T>(start: () => Promise<T>, signal: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (!(error instanceof RateLimitedError) || attempt >= 60 || signal.aborted) throw error;
      await sleep(1_000);
    }
  }
}

/**
 * Each case run is a conversation with the build's warm agent, through the domain functions of the
 * conversation routes (same sandbox, model, runner slots and ownership): started once, each turn said
 * in it (so a later turn sees the earlier ones), then ended. A case waits for a runner slot when all
 * are taken; it stops at the first turn that does not succeed.
 */
export function conversationExecutor(deps: TestDeps, owner: string, buildId: string): CaseExecutor {
  return async (turns, { signal }) => {
    const conversation = await whenAdmitted(() => startConversation(deps, owner, { buildId }), signal);
    const runs: ExecutedRun[] = [];
    try {
      for (const input of turns) {
        const said = await whenAdmitted(
          () => sayInConversation(deps, owner, conversation.id, { input }),
          signal,
        );
        let run: TestRunRecord = said.run;
        while (run.status === 'RUNNING' && !signal.aborted) {
          await sleep(100);
          run = await getRun(deps, owner, said.run.id);
        }
        runs.push({ ...run, id: run.id });
        if (run.status !== 'succeeded') break;
      }
    } finally {
      // Its agent is stopped and its slot freed whatever happened to the turns.
      await endConversation(deps, owner, conversation.id).catch(() => undefined);
    }
    return runs;
  };
}

/**
 * Without warm agents (their flag off for this builder) each turn is a one-off test run of the build
 * with the case run's runtime session id: the agent starts afresh for every turn, so a later turn does
 * not see an earlier one unless the agent's session store keeps it.
 */
export function testRunExecutor(deps: TestDeps, owner: string, buildId: string): CaseExecutor {
  return async (turns, { runtimeSessionId, signal }) => {
    const runs: ExecutedRun[] = [];
    for (const input of turns) {
      const started = await whenAdmitted(
        () => createRun(deps, owner, { buildId, input }, undefined, runtimeSessionId),
        signal,
      );
      await started.started.done.catch(() => undefined);
      const run = await getRun(deps, owner, started.run.id);
      runs.push({ ...run, id: run.id });
      if (run.status !== 'succeeded') break;
    }
    return runs;
  };
}

/** The executor for a builder: conversations with warm agents, or one-off runs when warm agents are off. */
async function executorFor(deps: TestDeps, owner: string, buildId: string): Promise<CaseExecutor> {
  const warm = deps.features ? (await deps.features.evaluate('warm-agents', { sub: owner })).enabled : true;
  return warm ? conversationExecutor(deps, owner, buildId) : testRunExecutor(deps, owner, buildId);
}

/** Conversation turns a suite's run says: every case's turns, each repetition. */
export const turnsOfSuite = (suite: Suite) =>
  suite.cases.reduce((n, c) => n + turnsOf(c).length, 0) * suite.settings.repetitions;

/**
 * Starts an evaluation as a runner task of its own (an `evaluate` job), through the runner backend
 * test runs use: its conversation turns are counted against the owner's hourly test budget at once
 * (all of them, or none: 429 when they do not fit), it holds one runner slot until its task ends, and
 * it is RUNNING until the task records it (or its stop is recorded). Answers at once.
 */
async function launchEvaluation(
  deps: EvaluationDeps,
  record: EvaluationRecord,
  suite: Suite,
  agent: { modelId?: string; judgeModelId?: string; buildKey: string },
): Promise<{ run: EvaluationRun; finished: boolean; done: Promise<void> }> {
  const { owner } = record;
  await deps.limiter.hit(owner, 'test', deps.limitPerHour, turnsOfSuite(suite));
  const limits = cappedLimits(undefined, deps.caps);
  await deps.slots?.acquire(owner, record.id, new Date(lostAfter(record)));
  await deps.evaluations.putRun(record);
  const generation = await getGeneration(deps, owner, record.generationId);
  let done: Promise<void>;
  try {
    const started = await launchHolding(deps, owner, record.id, {
      job: {
        mode: 'evaluate',
        runId: record.id,
        cacheScope: cacheScopeOf(owner),
        buildKey: agent.buildKey,
        project: { artifactKey: `${generation.artifactPrefix}/project.zip` },
        limits,
      },
      record: { kind: 'evaluation', id: record.id },
      owner,
      generationId: record.generationId,
      ...(record.sessionId ? { sessionId: record.sessionId } : {}),
      evaluation: {
        ...(agent.modelId ? { modelId: agent.modelId } : {}),
        ...(agent.judgeModelId ? { judgeModelId: agent.judgeModelId } : {}),
        ...(record.previousId ? { previousId: record.previousId } : {}),
      },
    });
    done = started.done;
  } catch (error) {
    await deps.evaluations.putRun({
      ...record,
      status: 'FAILED',
      reason: `the evaluation could not be started: ${(error as Error).message}`,
      finishedAt: now(deps).toISOString(),
    });
    throw error;
  }
  // A task takes longer to start than a request may wait: answered RUNNING (202) at once.
  const current = await getEvaluation(deps, owner, record.id);
  return { run: current, finished: current.status !== 'RUNNING', done };
}

/**
 * POST /api/evaluations/runs: runs a suite against a READY build. The record is updated after every
 * case (GET it to follow along); the request answers with it when done, or 202 past the wait budget.
 * Locally this process runs the suite (through `execute`, tests' own, else conversations with warm
 * agents); with `inRunnerTask` (AWS) a runner task of its own does (`launchEvaluation`).
 */
export async function startEvaluation(
  deps: EvaluationDeps,
  owner: string,
  body: EvaluationBody,
  execute?: CaseExecutor,
): Promise<{ run: EvaluationRun; finished: boolean; done: Promise<void> }> {
  await requireFlag(deps, 'evaluations', owner);
  const build = await getBuild(deps, owner, body.buildId);
  if (build.status !== 'READY')
    throw new ValidationError(`build ${build.id} is ${build.status}; evaluate a READY build`);
  const yaml =
    body.yaml ??
    (build.sessionId ? (await deps.evaluations.getSuite(build.sessionId))?.yaml : undefined) ??
    (await starterSuite(deps, owner, build.generationId)).yaml;
  const suite = parseSuite(yaml, 'the suite');
  const history = historyOf(build);
  const [previous] = (await deps.evaluations.listRuns(history, 10)).filter(
    (r) => r.owner === owner && r.status === 'COMPLETED' && r.suite === suite.name,
  );
  const price = await agentModel(deps, owner, build.generationId);
  const judge = price && deps.judgeFor && !deps.inRunnerTask ? deps.judgeFor(price.id) : undefined;
  const record: EvaluationRecord = {
    id: randomUUID(),
    owner,
    buildId: build.id,
    generationId: build.generationId,
    ...(build.sessionId ? { sessionId: build.sessionId } : {}),
    suite: suite.name,
    yaml,
    status: 'RUNNING',
    progress: { done: 0, total: suite.cases.length * suite.settings.repetitions },
    ...(previous ? { previousId: previous.id } : {}),
    createdAt: now(deps).toISOString(),
  };
  if (deps.inRunnerTask)
    return launchEvaluation(deps, record, suite, {
      ...(build.modelId ? { modelId: build.modelId } : {}),
      ...(price ? { judgeModelId: price.id } : {}),
      buildKey: build.contentKey ?? build.id,
    });
  await deps.evaluations.putRun(record);
  const done = executeEvaluation(
    deps,
    record,
    suite,
    execute ?? (await executorFor(deps, owner, build.id)),
    judge,
  ).then(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, deps.waitMs)))]);
  clearTimeout(timer);
  const current = await getEvaluation(deps, owner, record.id);
  return { run: current, finished: current.status !== 'RUNNING', done };
}

/** Time an evaluation may take per case run (a run's default limits and the runner's grace) before it is presumed lost. */
const LOST_AFTER_MS_PER_CASE_RUN = 180_000;

/** When a RUNNING evaluation is presumed lost: a build's time, and each case run's (and one more). */
const lostAfter = (record: Pick<EvaluationRecord, 'createdAt' | 'progress'>) =>
  Date.parse(record.createdAt) +
  DEFAULT_LIMITS.buildTimeoutMs +
  (record.progress.total + 1) * LOST_AFTER_MS_PER_CASE_RUN;

export async function getEvaluation(
  deps: Pick<EvaluationDeps, 'evaluations' | 'store' | 'now'>,
  owner: string,
  id: string,
): Promise<EvaluationRun> {
  const record = await deps.evaluations.getRun(id);
  if (!record || record.owner !== owner) throw new NotFoundError(`no evaluation run ${id}`);
  if (record.status === 'RUNNING' && now(deps).getTime() > lostAfter(record)) {
    // The process that ran it stopped (a restart, a Lambda that ended): said so, never left RUNNING.
    const lost: EvaluationRecord = {
      ...record,
      status: 'FAILED',
      reason: 'the evaluation stopped reporting before it finished and is presumed lost; run it again',
      finishedAt: now(deps).toISOString(),
    };
    await deps.evaluations.putRun(lost);
    return withResult(deps, lost);
  }
  return withResult(deps, record);
}

/** Past evaluation runs of a session (or generation), newest first, with their summaries. */
export async function evaluationHistory(
  deps: Pick<EvaluationDeps, 'evaluations'>,
  owner: string,
  q: EvaluationHistoryQuery,
): Promise<{ runs: EvaluationEntry[] }> {
  const history = q.sessionId ? { sessionId: q.sessionId } : { generationId: q.generationId ?? '' };
  const records = (await deps.evaluations.listRuns(history, q.limit)).filter((r) => r.owner === owner);
  return {
    runs: records.map((r) => {
      const {
        owner: _o,
        yaml: _y,
        resultKey: _k,
        result,
        comparison,
        ...entry
      } = r as EvaluationRecord & {
        summary?: EvaluationEntry['summary'];
      };
      const summary = (r as { summary?: EvaluationEntry['summary'] }).summary ?? result?.summary;
      return {
        ...entry,
        ...(summary ? { summary } : {}),
        ...(comparison ? { fixed: comparison.fixed, regressed: comparison.regressed } : {}),
      };
    }),
  };
}
