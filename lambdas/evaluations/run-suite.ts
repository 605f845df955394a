import { randomUUID } from 'node:crypto';
import type { ModelInfo } from '../../runner/events.ts';
import type { ModelInfo as RegistryModel } from '../models/schema.ts';
import { type AssertionOutcome, checkAssertion } from './assertions.ts';
import { type Judge, NO_JUDGE_REASON } from './judge.ts';
import { type ObservedRun, observationOf } from './observation.ts';
import { type CaseResult, type CaseRun, type SuiteResult, summarise } from './results.ts';
import { type EvalCase, type Suite, turnsOf } from './suite.ts';

/** One turn's run, as the executor reports it. */
export type ExecutedRun = ObservedRun & { id?: string };

/**
 * Sends a case's messages to the agent, in order, within one agent session (`runtimeSessionId`), and
 * answers with one run per turn. It stops at the first turn that does not succeed.
 */
export type CaseExecutor = (
  turns: string[],
  context: { caseId: string; repetition: number; runtimeSessionId: string; signal: AbortSignal },
) => Promise<ExecutedRun[]>;

/** What a suite run streams while it goes. */
export type SuiteEvent =
  | { type: 'case_started'; caseId: string; repetition: number }
  | { type: 'case_finished'; run: CaseRun }
  | { type: 'suite_finished'; result: SuiteResult };

export interface RunSuiteOptions {
  /** The model that grades judge assertions; without one they are skipped with the reason. */
  judge?: Judge;
  /** Why judge assertions are skipped when there is no judge. @default the offline model's reason */
  noJudgeReason?: string;
  /** The agent's model in the registry, to price each case run. */
  price?: RegistryModel;
  onEvent?: (event: SuiteEvent) => void | Promise<void>;
  signal?: AbortSignal;
  now?: () => Date;
}

/** Runs `tasks` with at most `limit` at a time, keeping their order in the results. */
export async function pool<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** Checks every assertion of a case on an observation; judge assertions go to the judge (or are skipped). */
async function checkCase(
  c: EvalCase,
  runs: ExecutedRun[],
  options: RunSuiteOptions,
): Promise<Omit<CaseRun, 'caseId' | 'repetition'>> {
  const o = observationOf(runs, options.price);
  const assertions: AssertionOutcome[] = [];
  for (const assertion of c.assertions) {
    if (assertion.type !== 'judge') {
      assertions.push(checkAssertion(assertion, o));
    } else if (o.failure) {
      assertions.push({
        type: 'judge',
        status: 'failed',
        reason: `not judged: the run failed (${o.failure})`,
      });
    } else if (!options.judge) {
      assertions.push({ type: 'judge', status: 'skipped', reason: options.noJudgeReason ?? NO_JUDGE_REASON });
    } else {
      assertions.push(
        await options.judge.grade({ conversation: turnsOf(c), answer: o.answer, rubric: assertion.rubric }),
      );
    }
  }
  const ok = !o.failure && assertions.every((a) => a.status !== 'failed');
  return {
    status: ok ? 'passed' : 'failed',
    assertions,
    answer: o.answer,
    toolCalls: o.toolCalls,
    inputTokens: o.inputTokens,
    outputTokens: o.outputTokens,
    ...(o.costUsd !== undefined ? { costUsd: o.costUsd, costHypothetical: o.costHypothetical ?? false } : {}),
    latencyMs: o.latencyMs,
    ttftMs: o.ttftMs,
    turns: o.turns ?? runs.length,
    ...(o.failure ? { failure: o.failure } : {}),
    runIds: runs.flatMap((r) => (r.id ? [r.id] : [])),
  };
}

/**
 * Runs a suite: every case `repetitions` times, `concurrency` at a time, each through the executor
 * (the runner: same sandbox, same model as test runs), then checks its assertions and sums up.
 */
export async function runSuite(
  suite: Suite,
  execute: CaseExecutor,
  options: RunSuiteOptions = {},
): Promise<SuiteResult> {
  const now = () => options.now?.() ?? new Date();
  const startedAt = now().toISOString();
  const signal = options.signal ?? new AbortController().signal;
  let model: ModelInfo | undefined;
  const tasks = suite.cases.flatMap((c) =>
    Array.from({ length: suite.settings.repetitions }, (_, repetition) => async (): Promise<CaseRun> => {
      await options.onEvent?.({ type: 'case_started', caseId: c.id, repetition });
      let runs: ExecutedRun[];
      try {
        runs = await execute(turnsOf(c), {
          caseId: c.id,
          repetition,
          // One agent session per case run: a conversation's turns share it, repetitions do not.
          runtimeSessionId: `eval-${c.id}-${repetition}-${randomUUID()}`.slice(0, 100).padEnd(33, '0'),
          signal,
        });
      } catch (error) {
        runs = [
          {
            status: 'failed',
            reason: `the case could not be run: ${(error as Error).message}`,
            output: '',
          },
        ];
      }
      model ??= runs.find((r) => r.model)?.model;
      const run: CaseRun = { caseId: c.id, repetition, ...(await checkCase(c, runs, options)) };
      await options.onEvent?.({ type: 'case_finished', run });
      return run;
    }),
  );
  const runs = await pool(suite.settings.concurrency, tasks);
  const result: SuiteResult = {
    suite: suite.name,
    ...(model ? { model } : {}),
    ...(options.judge ? { judge: options.judge.label } : {}),
    startedAt,
    finishedAt: now().toISOString(),
    ...casesAndSummary(suite, runs),
  };
  await options.onEvent?.({ type: 'suite_finished', result });
  return result;
}

/** The case runs so far grouped by case (cases with no run yet left out), and their summary. */
export function casesAndSummary(suite: Suite, runs: CaseRun[]): Pick<SuiteResult, 'cases' | 'summary'> {
  const cases: CaseResult[] = suite.cases
    .filter((c) => runs.some((r) => r.caseId === c.id))
    .map((c) => {
      const own = runs.filter((r) => r.caseId === c.id);
      const passed = own.filter((r) => r.status === 'passed').length;
      return {
        id: c.id,
        ...(c.description ? { description: c.description } : {}),
        tags: c.tags,
        passed: passed === own.length,
        passRate: own.length === 0 ? 0 : passed / own.length,
        runs: own,
      };
    });
  return { cases, summary: summarise(suite, cases) };
}
