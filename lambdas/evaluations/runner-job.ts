import { RunJob } from '../../runner/events.ts';
import type { HarnessDeps } from '../../runner/harness.ts';
import type { RunnerTask } from '../../runner/task.ts';
import { type EvaluationRecordDeps, executeEvaluation, failEvaluation, type JudgeChoice } from './execute.ts';
import { buildAgent, warmExecutor } from './local-run.ts';
import { parseSuite } from './suite.ts';

export interface EvaluationJobDeps extends EvaluationRecordDeps {
  /** The judge for the agent's model where this runner can call it; else why judge assertions are skipped. */
  judgeFor: (modelId: string) => JudgeChoice;
}

/**
 * A runner task's `evaluate` job (runner/main.ts; a Fargate task in AWS): builds the agent (or reuses
 * the content-addressed build), keeps warm agents of it in this task's own sandboxes (one per case run
 * going at once, the suite's concurrency) and runs the suite against them, recording every case as
 * it finishes. The runner slot the evaluation holds is given back when the job ends, whatever happened.
 */
export async function runEvaluationJob(
  deps: EvaluationJobDeps,
  task: RunnerTask,
  harness: Omit<HarnessDeps, 'turns' | 'onTurn'>,
  signal: AbortSignal,
): Promise<void> {
  const id = task.record.id;
  const record = await deps.evaluations.getRun(id);
  if (!record) throw new Error(`no evaluation run ${id}`);
  try {
    if (record.status !== 'RUNNING') return;
    const job = RunJob.parse(task.job);
    const suite = parseSuite(record.yaml, 'the suite');
    const modelId = task.evaluation?.modelId;
    const source = {
      harness,
      project: job.project,
      buildKey: job.buildKey ?? record.buildId,
      ...(job.cacheScope ? { cacheScope: job.cacheScope } : {}),
      limits: job.limits,
      ...(modelId ? { modelId } : {}),
    };
    const built = await buildAgent(source, signal);
    if (built.status !== 'succeeded') {
      await failEvaluation(deps, id, `the build could not be used (${built.reason ?? built.status})`);
      return;
    }
    const execute = warmExecutor(source);
    const stopAgents = () => void execute.stop();
    signal.addEventListener('abort', stopAgents, { once: true });
    try {
      const judge = task.evaluation?.judgeModelId ? deps.judgeFor(task.evaluation.judgeModelId) : undefined;
      await executeEvaluation(deps, record, suite, execute, judge, signal);
    } finally {
      signal.removeEventListener('abort', stopAgents);
      await execute.stop();
    }
  } catch (error) {
    await failEvaluation(deps, id, (error as Error).message);
  } finally {
    await deps.slots?.release(record.owner, record.id);
  }
}
