import { chooseBackend } from '../../runner/backends.ts';
import { dataAdapters } from '../core/adapters/data.ts';
import type { PlatformConfig } from '../core/config.ts';
import { type RouteHandler, reply } from '../core/http.ts';
import { loadModelRegistry } from '../models/load.ts';
import { DynamoDbSessionRepository } from '../sessions/dynamodb-session-repository.ts';
import { testDeps } from '../testing/deps.ts';
import { DynamoDbEvaluationRepository } from './dynamodb-evaluation-repository.ts';
import { modelJudge, NO_JUDGE_REASON } from './judge.ts';
import type { evaluationRoutes } from './routes.ts';
import {
  checkSuite,
  type EvaluationDeps,
  evaluationHistory,
  getEvaluation,
  getSuite,
  saveSuite,
  startEvaluation,
  starterSuite,
} from './service.ts';

/** The adapters of evaluations: those of test runs, plus the suites' and runs' table and the registries. */
export function evaluationDeps(config: PlatformConfig): EvaluationDeps {
  const { table } = dataAdapters(config);
  return {
    ...testDeps(config),
    evaluations: new DynamoDbEvaluationRepository(table),
    sessions: new DynamoDbSessionRepository(table),
    models: loadModelRegistry(),
    // Judged by the model test runs answer through, where this process calls it (locally); a runner
    // task's evaluation (AWS) is judged in the task, with the task's model permission.
    judgeFor: (modelId) => modelJudge(chooseBackend(config), modelId) ?? NO_JUDGE_REASON,
    // In AWS the request's Lambda is frozen once it has answered: each evaluation is a runner task.
    inRunnerTask: config.TEST_BACKEND === 'ecs',
  };
}

type Routes = typeof evaluationRoutes;

/** The evaluation routes' handlers; the `testing` Lambda serves them beside its own. */
export const evaluationHandlers: { [K in keyof Routes]: RouteHandler<Routes[K], EvaluationDeps> } = {
  getEvaluationSuite: ({ user, params }, deps) => getSuite(deps, user.sub, params.id),
  saveEvaluationSuite: ({ user, params, body }, deps) => saveSuite(deps, user.sub, params.id, body.yaml),
  validateEvaluationSuite: ({ body }) => checkSuite(body.yaml),
  starterEvaluationSuite: ({ user, query }, deps) => starterSuite(deps, user.sub, query.generationId),
  runEvaluation: async ({ user, body }, deps) => {
    await deps.limiter.hit(user.sub, 'test', deps.limitPerHour);
    const { run, finished } = await startEvaluation(deps, user.sub, body);
    return reply(finished ? 201 : 202, run, { location: `/api/evaluations/runs/${run.id}` });
  },
  getEvaluationRun: ({ user, params }, deps) => getEvaluation(deps, user.sub, params.id),
  evaluationHistory: ({ user, query }, deps) => evaluationHistory(deps, user.sub, query),
};
