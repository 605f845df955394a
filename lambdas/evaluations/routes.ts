import { z } from 'zod';
import { defineRoutes, IdParams } from '../core/contract.ts';
import {
  EvaluationBody,
  EvaluationEntry,
  EvaluationHistoryQuery,
  EvaluationRun,
  StarterQuery,
  StarterSuite,
  StoredSuite,
  SuiteBody,
  SuiteCheck,
} from './model.ts';

/**
 * Evaluations: a session's suite, and runs of a suite against a build (each case a test run, so they
 * are served by the `testing` Lambda with its runner, ownership, slots and rate limits). A run still
 * going after the wait budget answers 202; GET it to follow its progress case by case.
 */
export const evaluationRoutes = defineRoutes('testing', {
  getEvaluationSuite: {
    method: 'GET',
    path: '/api/evaluations/suites/{id}',
    auth: true,
    summary: "A session's evaluation suite (YAML)",
    params: IdParams,
    responses: { 200: StoredSuite },
    errors: [404],
  },
  saveEvaluationSuite: {
    method: 'POST',
    path: '/api/evaluations/suites/{id}',
    auth: true,
    summary: "Check and save a session's evaluation suite; every problem is listed by path or line",
    params: IdParams,
    body: SuiteBody,
    responses: { 200: StoredSuite },
    errors: [404],
  },
  validateEvaluationSuite: {
    method: 'POST',
    path: '/api/evaluations/validate',
    auth: true,
    summary: 'Check a suite (YAML) without saving it; every problem is listed by path or line',
    body: SuiteBody,
    responses: { 200: SuiteCheck },
  },
  starterEvaluationSuite: {
    method: 'GET',
    path: '/api/evaluations/starter',
    auth: true,
    summary: "The starter suite the generator wrote into a generation's project (evals/main.yaml)",
    query: StarterQuery,
    responses: { 200: StarterSuite },
    errors: [404],
  },
  runEvaluation: {
    method: 'POST',
    path: '/api/evaluations/runs',
    auth: true,
    summary: 'Run an evaluation suite against a READY build; compared with the previous run',
    body: EvaluationBody,
    responses: { 201: EvaluationRun, 202: EvaluationRun },
    errors: [404, 409],
    rateLimited: true,
  },
  getEvaluationRun: {
    method: 'GET',
    path: '/api/evaluations/runs/{id}',
    auth: true,
    summary: 'One evaluation run: progress, results per case and assertion, comparison',
    params: IdParams,
    responses: { 200: EvaluationRun },
    errors: [404],
  },
  evaluationHistory: {
    method: 'GET',
    path: '/api/evaluations/history',
    auth: true,
    summary: 'Past evaluation runs of a session (or generation), newest first, with their summaries',
    query: EvaluationHistoryQuery,
    responses: { 200: z.object({ runs: z.array(EvaluationEntry) }) },
  },
});
