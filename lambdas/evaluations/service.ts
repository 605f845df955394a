import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { NotFoundError, RateLimitedError, ValidationError } from '../core/errors.ts';
import { getGeneratedFile, getGeneration } from '../generate/service.ts';
import type { ModelRegistry } from '../models/registry.ts';
import type { ModelInfo as RegistryModel } from '../models/schema.ts';
import type { SessionRepository } from '../sessions/ports.ts';
import { historyOf } from '../testing/ports.ts';
import { createRun, getBuild, getRun, requireFlag, type TestDeps } from '../testing/service.ts';
import { compareResults } from './compare.ts';
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
import type { SuiteResult } from './results.ts';
import { type CaseExecutor, casesAndSummary, type ExecutedRun, runSuite } from './run-suite.ts';
import { parseSuite } from './suite.ts';

export interface EvaluationDeps extends TestDeps {
  evaluations: EvaluationRepository;
  sessions: Pick<SessionRepository, 'get'>;
  models: ModelRegistry;
  /** The judge for an agent's model, when a real model can grade here; else why judge assertions are skipped. */
  judgeFor?: (modelId: string) => Judge | string;
}

/** Results larger than this are kept in S3 (under tests/, where the testing Lambda may write), not in the item. */
export const INLINE_RESULT_BYTES = 131_072;
const now = (deps: Pick<TestDeps, 'now'>) => deps.now?.() ?? new Date();
const text = (body: Uint8Array | undefined) => (body ? Buffer.from(body).toString('utf8') : undefined);

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

/**
 * Each turn of a case is a test run of the build (same sandbox, same model, same slots and ownership
 * as test runs), with the case run's runtime session id. A run refused for lack of a slot waits for one.
 */
export function testRunExecutor(deps: TestDeps, owner: string, buildId: string): CaseExecutor {
  return async (turns, { runtimeSessionId }) => {
    const runs: ExecutedRun[] = [];
    for (const input of turns) {
      let started: Awaited<ReturnType<typeof createRun>> | undefined;
      for (let attempt = 0; !started; attempt++) {
        try {
          started = await createRun(deps, owner, { buildId, input }, undefined, runtimeSessionId);
        } catch (error) {
          if (!(error instanceof RateLimitedError) || attempt >= 60) throw error;
          await sleep(1_000);
        }
      }
      await started.started.done.catch(() => undefined);
      const run = await getRun(deps, owner, started.run.id);
      runs.push({ ...run, id: run.id });
      if (run.status !== 'succeeded') break;
    }
    return runs;
  };
}

async function withResult(deps: Pick<TestDeps, 'store'>, record: EvaluationRecord): Promise<EvaluationRun> {
  const { owner: _owner, yaml: _yaml, resultKey, ...run } = record;
  if (run.result || !resultKey) return run;
  const body = text(await deps.store.get(resultKey));
  return body ? { ...run, result: JSON.parse(body) as SuiteResult } : run;
}

/** Stores a run, its result in S3 when it would not fit in the item. */
async function store(deps: EvaluationDeps, record: EvaluationRecord): Promise<void> {
  const json = record.result ? JSON.stringify(record.result) : '';
  if (Buffer.byteLength(json) <= INLINE_RESULT_BYTES) return deps.evaluations.putRun(record);
  const resultKey = `tests/evaluations/${record.id}/result.json`;
  await deps.store.put(resultKey, json, 'application/json');
  await deps.evaluations.putRun({ ...record, result: undefined, resultKey });
}

/**
 * POST /api/evaluations/runs: runs a suite against a READY build. The record is updated after every
 * case (GET it to follow along); the request answers with it when done, or 202 past the wait budget.
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
  const judge = price && deps.judgeFor ? deps.judgeFor(price.id) : undefined;
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
  await deps.evaluations.putRun(record);
  const finishedRuns: SuiteResult['cases'][number]['runs'] = [];
  const done = (async () => {
    let final: EvaluationRecord;
    try {
      const result = await runSuite(suite, execute ?? testRunExecutor(deps, owner, build.id), {
        ...(price ? { price } : {}),
        ...(typeof judge === 'object'
          ? { judge }
          : typeof judge === 'string'
            ? { noJudgeReason: judge }
            : {}),
        onEvent: async (event) => {
          if (event.type !== 'case_finished') return;
          finishedRuns.push(event.run);
          // The results so far, so a client following the run sees each case as it finishes.
          record.progress = { ...record.progress, done: finishedRuns.length };
          record.result = {
            suite: suite.name,
            startedAt: record.createdAt,
            finishedAt: now(deps).toISOString(),
            ...casesAndSummary(suite, finishedRuns),
          };
          await store(deps, record);
        },
      });
      const full = previous ? await deps.evaluations.getRun(previous.id) : undefined;
      const before = full ? await withResult(deps, full) : undefined;
      final = {
        ...record,
        status: 'COMPLETED',
        result,
        ...(before?.result
          ? { comparison: compareResults(before.result, result, suite.settings.changeThreshold) }
          : {}),
        finishedAt: now(deps).toISOString(),
      };
    } catch (error) {
      final = {
        ...record,
        status: 'FAILED',
        reason: `the evaluation stopped: ${(error as Error).message}`,
        finishedAt: now(deps).toISOString(),
      };
    }
    await store(deps, final);
  })();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, deps.waitMs)))]);
  clearTimeout(timer);
  const current = await getEvaluation(deps, owner, record.id);
  return { run: current, finished: current.status !== 'RUNNING', done };
}

/** Time an evaluation may take per case run (a run's default limits and the runner's grace) before it is presumed lost. */
const LOST_AFTER_MS_PER_CASE_RUN = 180_000;

export async function getEvaluation(
  deps: Pick<EvaluationDeps, 'evaluations' | 'store' | 'now'>,
  owner: string,
  id: string,
): Promise<EvaluationRun> {
  const record = await deps.evaluations.getRun(id);
  if (!record || record.owner !== owner) throw new NotFoundError(`no evaluation run ${id}`);
  const deadline = Date.parse(record.createdAt) + (record.progress.total + 1) * LOST_AFTER_MS_PER_CASE_RUN;
  if (record.status === 'RUNNING' && now(deps).getTime() > deadline) {
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
