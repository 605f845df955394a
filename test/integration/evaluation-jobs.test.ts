import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluationDeps } from '../../lambdas/evaluations/handler.ts';
import { NO_JUDGE_REASON } from '../../lambdas/evaluations/judge.ts';
import { startEvaluation } from '../../lambdas/evaluations/service.ts';
import { type RunningPlatform, startPlatform } from '../../lambdas/local/platform.ts';
import { ROOT } from '../generated/workspace.ts';
import { startScriptedOpenAi } from '../scripted-openai.ts';
import { buildCalculatorAgent, contractClient, follow, type Json } from './contract-client.ts';

// Evaluations as runner jobs, for real on this machine: the deployed platform's path (an `evaluate`
// job in a runner task of its own) run by the local runner backend, a runner process (runner/main.ts,
// what a Fargate task runs) that builds the agent (reusing the finished build), keeps warm agents of
// it in their bubblewrap sandboxes, runs the suite and records each case in the table as it finishes,
// read back through the API. A runner killed mid-suite fails its evaluation with the reason.
const CACHE = join(ROOT, '.cache', 'runner');
const OWNER = 'local-developer';
let platform: RunningPlatform;
const call = contractClient(() => platform.url);
let buildId = '';

/** The pid of the runner process for this task id (its RUN_TASK_KEY names it), if one is alive. */
function runnerPid(id: string): number | undefined {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`RUN_TASK_KEY=tests/${id}/task.json`))
        return Number(pid);
    } catch {
      // a process that ended meanwhile
    }
  }
  return undefined;
}

/** The deps the testing Lambda gets in AWS (evaluations in runner tasks), on the local runner backend. */
const inRunner = (waitMs: number) => ({ ...evaluationDeps(platform.config), inRunnerTask: true, waitMs });

beforeAll(async () => {
  platform = await startPlatform({ port: 0, testModel: 'offline', runnerCacheDir: CACHE });
  buildId = await buildCalculatorAgent(call, 'Evaluated agent');
}, 600_000);
afterAll(async () => platform?.close());

describe('evaluations as runner jobs (local runner, real sandbox)', () => {
  it('runs the suite in a runner process of its own: warm agents, each case recorded as it finishes, judge skipped offline', async () => {
    const yaml = [
      'name: in-runner',
      'settings: { concurrency: 2 }',
      'cases:',
      '  - id: remembers',
      '    conversation: ["My name is Ada.", "What did I tell you first?"]',
      `    assertions: [{ type: contains, value: 'Earlier in this conversation you asked: "My name is Ada."' }, { type: judge, rubric: Recalls the name }]`,
      '  - id: adds',
      '    input: use calculator on "2 + 3"',
      '    assertions: [{ type: tool-called, name: calculator }, { type: cost, maxUsd: 1 }]',
      '  - id: adds-again',
      '    input: use calculator on "4 * 5"',
      '    assertions: [{ type: tool-called, name: calculator }, { type: tool-not-called, name: web_search }]',
    ].join('\n');
    const { run: started } = await startEvaluation(inRunner(0), OWNER, { buildId, yaml });
    expect(started).toMatchObject({ status: 'RUNNING', progress: { done: 0, total: 3 } });
    const followed = await follow(call, `/api/evaluations/runs/${started.id}`, { everyMs: 100 });
    const run = followed.body;
    expect(run.status, run.reason).toBe('COMPLETED');
    // GET showed the cases as they finished (with their results), not only the end.
    const partial = followed.seen.filter((b) => b.progress.done > 0 && b.progress.done < 3);
    expect(partial.length, JSON.stringify(followed.seen.map((b) => b.progress))).toBeGreaterThan(0);
    expect(partial[0]?.result.cases.length).toBeGreaterThan(0);
    const [remembers, adds, again] = run.result.cases.map((c: Json) => c.runs[0]);
    expect(remembers.assertions.map((a: Json) => [a.type, a.status])).toEqual([
      ['contains', 'passed'],
      ['judge', 'skipped'],
    ]);
    expect(remembers.assertions[1].reason).toBe(NO_JUDGE_REASON);
    expect(remembers.turns).toBe(2);
    expect(adds.toolCalls.map((c: Json) => c.name)).toEqual(['calculator']);
    expect(again.status).toBe('passed');
    expect(run.result.summary).toMatchObject({
      verdict: 'passed',
      skippedAssertions: 1,
      costHypothetical: true,
    });
    expect(run.result.summary.totalCostUsd).toBeGreaterThan(0);
    // Its runner ended with it (and gave its slot back: the next evaluation starts at once).
    await expect.poll(() => runnerPid(started.id), { timeout: 20_000, interval: 250 }).toBeUndefined();
    const history = await call('GET', `/api/evaluations/history?generationId=${run.generationId}`);
    expect(history.body.runs.map((r: Json) => r.id)).toContain(started.id);
  }, 300_000);

  it('fails the evaluation with the reason when its runner is killed before the suite has finished', async () => {
    const cases = Array.from({ length: 12 }, (_, i) =>
      [
        `  - id: case-${i}`,
        `    conversation: ["hello ${i}", "again ${i}", "and once more ${i}"]`,
        '    assertions: [{ type: contains, value: again }]',
      ].join('\n'),
    );
    const yaml = ['name: killed', 'settings: { concurrency: 1 }', 'cases:', ...cases].join('\n');
    const { run: started } = await startEvaluation(inRunner(0), OWNER, { buildId, yaml });
    // Once it has recorded a case, its runner process is killed (as a task stops on a crash).
    await expect
      .poll(async () => (await call('GET', `/api/evaluations/runs/${started.id}`)).body.progress.done, {
        timeout: 120_000,
        interval: 100,
      })
      .toBeGreaterThanOrEqual(1);
    const pid = runnerPid(started.id);
    expect(pid).toBeDefined();
    process.kill(pid as number, 'SIGKILL');
    const run = (await follow(call, `/api/evaluations/runs/${started.id}`, { everyMs: 100 })).body;
    expect(run.status).toBe('FAILED');
    expect(run.reason).toMatch(
      /^the evaluation stopped: the test runner was stopped \(SIGKILL\) before reporting/,
    );
    // Its results so far are kept.
    expect(run.progress.done).toBeGreaterThanOrEqual(1);
    expect(run.progress.done).toBeLessThan(12);
    expect(run.result.cases.length).toBeGreaterThanOrEqual(1);
  }, 300_000);

  it('grades judge assertions in the runner task with the model its runner answers through (a scripted OpenAI-compatible stand-in)', async () => {
    const model = await startScriptedOpenAi((request) => {
      const said = JSON.stringify(request.messages);
      // The judge's request (its system prompt names the rubric): a verdict on the agent's answer.
      if (said.includes('You grade the answer'))
        return said.includes('Hello Ada')
          ? { text: '{"pass": true, "reason": "greets Ada by name"}' }
          : { text: '{"pass": false, "reason": "does not greet Ada"}' };
      return { text: said.includes('Ada') ? 'Hello Ada!' : 'Hello there!' };
    });
    try {
      // The runner's model choice comes from the platform's configuration, as in a Fargate task's environment.
      const deps = {
        ...evaluationDeps({
          ...platform.config,
          TEST_MODEL: 'openai-compatible',
          OPENAI_COMPATIBLE_BASE_URL: model.baseUrl,
          OPENAI_COMPATIBLE_MODEL: 'scripted-1',
        }),
        inRunnerTask: true,
        waitMs: 0,
      };
      const yaml = [
        'name: judged',
        'cases:',
        '  - id: greets',
        '    input: I am Ada',
        '    assertions: [{ type: judge, rubric: Greets the user by name }]',
        '  - id: anonymous',
        '    input: hi',
        '    assertions: [{ type: judge, rubric: Greets the user by name }]',
      ].join('\n');
      const { run: started } = await startEvaluation(deps, OWNER, { buildId, yaml });
      const run = (await follow(call, `/api/evaluations/runs/${started.id}`, { everyMs: 100 })).body;
      expect(run.status, run.reason).toBe('COMPLETED');
      const [greets, anonymous] = run.result.cases.map((c: Json) => c.runs[0].assertions[0]);
      expect(greets).toMatchObject({ type: 'judge', status: 'passed' });
      expect(greets.reason).toMatch(
        /^judged by anthropic\.claude-haiku-4-5-20251001-v1:0 \(OpenAI-compatible endpoint \(scripted-1 at 127\.0\.0\.1:\d+\)\): greets Ada by name$/,
      );
      expect(anonymous).toMatchObject({
        type: 'judge',
        status: 'failed',
        reason: expect.stringMatching(/does not greet Ada$/),
      });
      expect(run.result.judge).toMatch(/scripted-1/);
      expect(run.result.summary).toMatchObject({ skippedAssertions: 0, verdict: 'failed' });
      // The judge was asked once per judged case run, beside the agent's own model calls.
      expect(
        model.requests.filter((r) => JSON.stringify(r.messages).includes('You grade the answer')),
      ).toHaveLength(2);
    } finally {
      await model.close();
    }
  }, 300_000);
});
