import type { ArtifactStore } from '../core/ports.ts';
import type { RunnerSlots } from '../testing/ports.ts';
import { compareResults } from './compare.ts';
import type { Judge } from './judge.ts';
import type { EvaluationRecord, EvaluationRun } from './model.ts';
import type { EvaluationRepository } from './ports.ts';
import type { SuiteResult } from './results.ts';
import { type CaseExecutor, casesAndSummary, runSuite } from './run-suite.ts';
import type { Suite } from './suite.ts';

/** Where an evaluation run is recorded: its record (DynamoDB), a large result (S3), its runner slot. */
export interface EvaluationRecordDeps {
  evaluations: EvaluationRepository;
  store: ArtifactStore;
  slots?: Pick<RunnerSlots, 'release'>;
  now?: () => Date;
}

/** Results larger than this are kept in S3 (under the run's own `tests/<id>/` prefix), not in the item. */
export const INLINE_RESULT_BYTES = 131_072;
const now = (deps: Pick<EvaluationRecordDeps, 'now'>) => deps.now?.() ?? new Date();
const text = (body: Uint8Array | undefined) => (body ? Buffer.from(body).toString('utf8') : undefined);

/** A stored run as the API shows it, its result read back from S3 when it was kept there. */
export async function withResult(
  deps: Pick<EvaluationRecordDeps, 'store'>,
  record: EvaluationRecord,
): Promise<EvaluationRun> {
  const { owner: _owner, yaml: _yaml, resultKey, ...run } = record;
  if (run.result || !resultKey) return run;
  const body = text(await deps.store.get(resultKey));
  return body ? { ...run, result: JSON.parse(body) as SuiteResult } : run;
}

/** Stores a run, its result in S3 when it would not fit in the item. */
export async function storeRun(
  deps: Pick<EvaluationRecordDeps, 'evaluations' | 'store'>,
  record: EvaluationRecord,
): Promise<void> {
  const json = record.result ? JSON.stringify(record.result) : '';
  if (Buffer.byteLength(json) <= INLINE_RESULT_BYTES) return deps.evaluations.putRun(record);
  const resultKey = `tests/${record.id}/result.json`;
  await deps.store.put(resultKey, json, 'application/json');
  await deps.evaluations.putRun({ ...record, result: undefined, resultKey });
}

/** How judge assertions are graded: by a judge, or skipped with the reason there is none. */
export type JudgeChoice = Judge | string | undefined;

/**
 * Runs a RUNNING evaluation's suite through `execute` and records it: the results so far after every
 * case (so GET shows each case as it finishes), then COMPLETED with its comparison with the previous
 * run, or FAILED with why it stopped. The one suite loop of the platform: the testing Lambda's process
 * runs it locally, a runner task (`evaluate` job) in AWS.
 */
export async function executeEvaluation(
  deps: EvaluationRecordDeps,
  record: EvaluationRecord,
  suite: Suite,
  execute: CaseExecutor,
  judge: JudgeChoice,
  signal: AbortSignal = new AbortController().signal,
): Promise<EvaluationRecord> {
  const current: EvaluationRecord = { ...record };
  const finishedRuns: SuiteResult['cases'][number]['runs'] = [];
  let final: EvaluationRecord;
  try {
    const result = await runSuite(suite, execute, {
      ...(typeof judge === 'object' ? { judge } : typeof judge === 'string' ? { noJudgeReason: judge } : {}),
      signal,
      onEvent: async (event) => {
        if (event.type !== 'case_finished') return;
        finishedRuns.push(event.run);
        current.progress = { ...current.progress, done: finishedRuns.length };
        current.result = {
          suite: suite.name,
          startedAt: current.createdAt,
          finishedAt: now(deps).toISOString(),
          ...casesAndSummary(suite, finishedRuns),
        };
        await storeRun(deps, current);
      },
    });
    if (signal.aborted) throw new Error('its runner was stopped before the suite finished');
    const previous = record.previousId ? await deps.evaluations.getRun(record.previousId) : undefined;
    const before = previous ? await withResult(deps, previous).catch(() => undefined) : undefined;
    final = {
      ...current,
      status: 'COMPLETED',
      result,
      ...(before?.result
        ? { comparison: compareResults(before.result, result, suite.settings.changeThreshold) }
        : {}),
      finishedAt: now(deps).toISOString(),
    };
  } catch (error) {
    final = {
      ...current,
      status: 'FAILED',
      reason: `the evaluation stopped: ${(error as Error).message}`,
      finishedAt: now(deps).toISOString(),
    };
  }
  await storeRun(deps, final);
  return final;
}

/**
 * A runner that ended without finishing its evaluation (its task stopped, it crashed, it was killed):
 * the evaluation, if still RUNNING, is recorded FAILED with the reason (its results so far kept), and
 * its runner slot is given back.
 */
export async function failEvaluation(deps: EvaluationRecordDeps, id: string, reason: string): Promise<void> {
  const record = await deps.evaluations.getRun(id);
  if (!record) return;
  await deps.slots?.release(record.owner, record.id);
  if (record.status !== 'RUNNING') return;
  await deps.evaluations.putRun({
    ...record,
    status: 'FAILED',
    reason: `the evaluation stopped: ${reason}`,
    finishedAt: now(deps).toISOString(),
  });
}
