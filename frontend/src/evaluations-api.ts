import { api } from './api.ts';
import type { Answer, BodyOf, QueryOf } from './types.ts';

/** The evaluation endpoints, injected into the one API (kept beside the view that uses them). */
export const evaluationsApi = api.injectEndpoints({
  endpoints: (build) => ({
    starterSuite: build.query<Answer<'starterEvaluationSuite'>, QueryOf<'starterEvaluationSuite'>>({
      query: (params) => ({ url: 'api/evaluations/starter', params }),
    }),
    sessionSuite: build.query<Answer<'getEvaluationSuite'>, string>({
      query: (id) => `api/evaluations/suites/${encodeURIComponent(id)}`,
    }),
    saveSuite: build.mutation<Answer<'saveEvaluationSuite'>, { id: string } & BodyOf<'saveEvaluationSuite'>>({
      query: ({ id, ...body }) => ({
        url: `api/evaluations/suites/${encodeURIComponent(id)}`,
        method: 'POST',
        body,
      }),
    }),
    checkSuite: build.query<Answer<'validateEvaluationSuite'>, BodyOf<'validateEvaluationSuite'>>({
      query: (body) => ({ url: 'api/evaluations/validate', method: 'POST', body }),
    }),
    runEvaluation: build.mutation<Answer<'runEvaluation'>, BodyOf<'runEvaluation'>>({
      query: (body) => ({ url: 'api/evaluations/runs', method: 'POST', body }),
    }),
    evaluationRun: build.query<Answer<'getEvaluationRun'>, string>({
      query: (id) => `api/evaluations/runs/${encodeURIComponent(id)}`,
    }),
  }),
});

export const {
  useStarterSuiteQuery,
  useSessionSuiteQuery,
  useSaveSuiteMutation,
  useCheckSuiteQuery,
  useRunEvaluationMutation,
  useEvaluationRunQuery,
} = evaluationsApi;

export type EvaluationRun = Answer<'getEvaluationRun'>;
