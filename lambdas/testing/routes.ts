import { z } from 'zod';
import { defineRoutes, IdParams } from '../core/contract.ts';
import { Build, BuildBody, HistoryQuery, RunBody, TestRun, WaitQuery } from './model.ts';

/**
 * The testing feature: build a generation's project, run the agent on an input (or stream it over
 * `WS /ws/testing/stream`), keep the history. A build or run answers 202 at once with the resource to
 * follow (`Location`; its progress and result arrive on the WebSocket and by `GET`); `?wait=` seconds
 * (at most 25) hold the request for the result, 201 when it came in time.
 */
export const testingRoutes = defineRoutes('testing', {
  buildTest: {
    method: 'POST',
    path: '/api/testing/build',
    auth: true,
    summary: "Install and compile a generation's project for test runs",
    query: WaitQuery,
    body: BuildBody,
    responses: { 201: Build, 202: Build },
    errors: [404, 409],
    rateLimited: true,
  },
  getBuild: {
    method: 'GET',
    path: '/api/testing/builds/{id}',
    auth: true,
    summary: 'A build: status, its progress while building, and the compiler output when it failed',
    params: IdParams,
    responses: { 200: Build },
    errors: [404],
  },
  runTest: {
    method: 'POST',
    path: '/api/testing/run',
    auth: true,
    summary: 'Run a built agent on an input; the result with its full output and metrics',
    query: WaitQuery,
    body: RunBody,
    responses: { 201: TestRun, 202: TestRun },
    errors: [404, 409],
    rateLimited: true,
  },
  getTestRun: {
    method: 'GET',
    path: '/api/testing/runs/{id}',
    auth: true,
    summary: 'One test run',
    params: IdParams,
    responses: { 200: TestRun },
    errors: [404],
  },
  rerunTest: {
    method: 'POST',
    path: '/api/testing/runs/{id}/rerun',
    auth: true,
    summary: "Run an earlier run's input again on the same build",
    params: IdParams,
    query: WaitQuery,
    responses: { 201: TestRun, 202: TestRun },
    errors: [404, 409],
    rateLimited: true,
  },
  cancelTestRun: {
    method: 'POST',
    path: '/api/testing/runs/{id}/cancel',
    auth: true,
    summary: 'Stop a running test run',
    params: IdParams,
    responses: { 202: TestRun },
    errors: [404, 409],
  },
  testHistory: {
    method: 'GET',
    path: '/api/testing/history',
    auth: true,
    summary: 'Past test runs of a session (or generation), newest first',
    query: HistoryQuery,
    responses: { 200: z.object({ runs: z.array(TestRun) }) },
  },
});
