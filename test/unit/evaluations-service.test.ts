import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../lambdas/core/errors.ts';
import type { RunnerBackend } from '../../lambdas/core/ports.ts';
import type { EvaluationRecord, StoredSuite } from '../../lambdas/evaluations/model.ts';
import type { EvaluationRepository } from '../../lambdas/evaluations/ports.ts';
import {
  type EvaluationDeps,
  evaluationHistory,
  getEvaluation,
  getSuite,
  INLINE_RESULT_BYTES,
  saveSuite,
  startEvaluation,
} from '../../lambdas/evaluations/service.ts';
import { zipProject } from '../../lambdas/generate/zip.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import type { Session } from '../../lambdas/sessions/model.ts';
import { historyOf, type RunHistory } from '../../lambdas/testing/ports.ts';
import { recordResult, startBuild } from '../../lambdas/testing/service.ts';
import type { RunResult } from '../../runner/events.ts';
import type { RunnerTask } from '../../runner/task.ts';
import { MemorySessions, MemoryTestStore } from '../fakes.ts';

class MemoryEvaluations implements EvaluationRepository {
  readonly suites = new Map<string, StoredSuite & { owner: string }>();
  readonly runs = new Map<string, EvaluationRecord>();
  async putSuite(owner: string, suite: StoredSuite) {
    this.suites.set(suite.sessionId, { ...suite, owner });
  }
  async getSuite(id: string) {
    return this.suites.get(id);
  }
  async putRun(record: EvaluationRecord) {
    this.runs.set(record.id, structuredClone(record));
  }
  async getRun(id: string) {
    return structuredClone(this.runs.get(id));
  }
  async listRuns(history: RunHistory, limit: number) {
    return [...this.runs.values()]
      .filter((r) => JSON.stringify(historyOf(r)) === JSON.stringify(history))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit);
  }
}

const SUITE = `
name: main
cases:
  - id: adds
    input: use calculator on "2 + 3"
    tags: [tools]
    assertions: [{ type: tool-called, name: calculator }, { type: cost, maxUsd: 1 }]
  - id: chat
    conversation: [hello, and again]
    assertions: [{ type: contains, value: again }]
`;

/**
 * A runner that answers like an agent on the offline model would: it calls the tool a message names,
 * and a conversation's runner (a `serve` job) answers its queued turns, one agent for all of them, and
 * repeats the conversation's first message in a later turn, until the conversation ends.
 */
function setup(answer: (input: string) => Partial<RunResult> = () => ({})) {
  const store = new MemoryTestStore();
  const sessions = new MemorySessions();
  const evaluations = new MemoryEvaluations();
  const tasks: RunnerTask[] = [];
  const resultOf = (runId: string, mode: RunResult['mode'], input: string, first?: string): RunResult =>
    traced({
      runId,
      mode,
      status: 'succeeded',
      input,
      output: `You said: ${input}${first ? ` (first you said: ${first})` : ''}`,
      toolCalls: input.includes('calculator')
        ? [{ toolUseId: 't1', name: 'calculator', input: { expression: '2 + 3' } }]
        : [],
      logs: [],
      metrics: {
        totalLatencyMs: 100,
        timeToFirstTokenMs: 10,
        installMs: 0,
        buildMs: 0,
        inputTokens: 1_000,
        outputTokens: 100,
        toolCalls: 0,
        exitCode: 0,
        status: 'succeeded',
      },
      model: { kind: 'offline', label: 'offline model' },
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      ...answer(input),
    });
  /** Its trace: two model calls around its tool calls. */
  const traced = (r: RunResult): RunResult => ({
    ...r,
    trace: [
      { kind: 'model', name: 'm', startMs: 0, durationMs: 5, inputTokens: 600, outputTokens: 50 },
      ...r.toolCalls.map((c) => ({
        kind: 'tool' as const,
        name: c.name,
        toolUseId: c.toolUseId,
        startMs: 6,
        durationMs: 1,
        input: c.input,
      })),
      { kind: 'model', name: 'm', startMs: 8, durationMs: 5, inputTokens: 400, outputTokens: 50 },
    ],
  });
  const serve = async (task: RunnerTask) => {
    let first: string | undefined;
    while ((await store.getConversation(task.record.id))?.status === 'ACTIVE') {
      const turn = await store.takeTurn(task.record.id);
      if (!turn) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        continue;
      }
      const result = resultOf(turn.runId, 'serve', turn.input, first);
      first ??= turn.input;
      await recordResult({ tests: store, store }, { kind: 'run', id: turn.runId }, result);
    }
  };
  const backend: RunnerBackend = {
    async start(task) {
      tasks.push(task);
      if (task.job.mode === 'serve') return { done: serve(task) };
      const result = resultOf(task.record.id, task.job.mode, task.job.input ?? '');
      return { done: recordResult({ tests: store, store }, task.record, result) };
    },
    async cancel() {},
  };
  const deps: EvaluationDeps = {
    tests: store,
    generations: store,
    store,
    backend,
    connections: { post: async () => true },
    limiter: store,
    limitPerHour: 100,
    waitMs: 5_000,
    evaluations,
    sessions,
    models: loadModelRegistry(),
  };
  // A generation stores its project once, as a zip; single files are read from it.
  const files = {
    'evals/main.yaml': SUITE,
    'evals/model-price.json': JSON.stringify({ modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0' }),
    '.env.example': 'MODEL_ID=anthropic.claude-3-5-haiku-20241022-v1:0\n',
  };
  store.generationRecords.set('gen-1', {
    id: 'gen-1',
    owner: 'alice',
    sessionId: 'session-1',
    status: 'SUCCEEDED',
    name: 'agent',
    artifactPrefix: 'generations/gen-1',
    files: Object.keys(files),
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  void store.put('generations/gen-1/project.zip', zipProject('agent', files));
  void sessions.create({ id: 'session-1', owner: 'alice' } as Session);
  return { deps, store, evaluations, tasks };
}

describe('evaluation runs (domain)', () => {
  it('runs the starter suite of a build: each case run one conversation with a warm agent, priced and traced', async () => {
    const { deps, store, tasks } = setup();
    const { build } = await startBuild(deps, 'alice', { generationId: 'gen-1' });
    const { run, finished } = await startEvaluation(deps, 'alice', {
      buildId: build.id,
      yaml: SUITE.replace('value: again }]', 'value: again }, { type: model-calls, max: 4 }]'),
    });
    expect(finished).toBe(true);
    expect(run).toMatchObject({ status: 'COMPLETED', suite: 'main', progress: { done: 2, total: 2 } });
    expect(run.result?.summary).toMatchObject({ verdict: 'passed', passRate: 1, costHypothetical: true });
    expect(run.result?.summary.totalCostUsd).toBeGreaterThan(0);
    // One runner (a `serve` job) per case run, no one-off runs; every conversation ended, its slot freed.
    expect(tasks.map((t) => t.job.mode)).toEqual(['build', 'serve', 'serve']);
    const conversations = [...store.conversations.values()];
    expect(conversations.map((c) => c.status)).toEqual(['ENDED', 'ENDED']);
    const chat = run.result?.cases[1]?.runs[0];
    expect(chat?.runIds).toHaveLength(2);
    // The later turn was answered by the agent that heard the first.
    expect(chat?.answer).toBe('You said: and again (first you said: hello)');
    const turns = await Promise.all((chat?.runIds ?? []).map((id) => store.getRun(id)));
    expect(new Set(turns.map((t) => t?.conversationId)).size).toBe(1);
    expect(turns.map((t) => t?.cost?.hypothetical)).toEqual([true, true]);
    // The model calls come from the turns' traces: evaluated, not skipped.
    expect(chat?.assertions.find((a) => a.type === 'model-calls')).toMatchObject({
      status: 'passed',
      reason: '4 model calls (at most 4)',
    });
  });

  it('runs each turn as a one-off test run when warm agents are off for the builder', async () => {
    const { deps, tasks } = setup();
    const features: EvaluationDeps['features'] = {
      source: 'test',
      list: async () => [],
      evaluate: async (key) => ({
        key,
        name: key,
        description: '',
        enabled: key !== 'warm-agents',
        variant: key !== 'warm-agents' ? 'on' : 'off',
        reason: 'STATIC',
      }),
    };
    const { build } = await startBuild(deps, 'alice', { generationId: 'gen-1' });
    const { run } = await startEvaluation({ ...deps, features }, 'alice', { buildId: build.id });
    expect(run).toMatchObject({ status: 'COMPLETED', result: { summary: { verdict: 'passed' } } });
    expect(tasks.map((t) => t.job.mode)).toEqual(['build', 'run', 'run', 'run']);
  });

  it('compares a new run with the previous one and marks the regression', async () => {
    let broken = false;
    const { deps } = setup((input) => (broken && input.includes('calculator') ? { toolCalls: [] } : {}));
    const { build } = await startBuild(deps, 'alice', { generationId: 'gen-1' });
    const first = await startEvaluation(deps, 'alice', { buildId: build.id });
    broken = true;
    const second = await startEvaluation(deps, 'alice', { buildId: build.id });
    expect(second.run.previousId).toBe(first.run.id);
    expect(second.run.comparison).toMatchObject({ regressed: 1, fixed: 0 });
    expect(second.run.comparison?.cases.find((c) => c.caseId === 'adds')?.outcome).toBe('regressed');
    const { runs } = await evaluationHistory(deps, 'alice', { sessionId: 'session-1', limit: 10 });
    expect(runs.map((r) => r.id)).toEqual([second.run.id, first.run.id]);
    expect(runs[0]).toMatchObject({ regressed: 1, summary: { verdict: 'failed' } });
  });

  it('keeps a large result in S3 and reads it back', async () => {
    const { deps, evaluations } = setup(() => ({ output: 'x'.repeat(INLINE_RESULT_BYTES) }));
    const { build } = await startBuild(deps, 'alice', { generationId: 'gen-1' });
    const { run } = await startEvaluation(deps, 'alice', { buildId: build.id });
    expect(evaluations.runs.get(run.id)?.resultKey).toBe(`tests/${run.id}/result.json`);
    expect(evaluations.runs.get(run.id)?.result).toBeUndefined();
    expect((await getEvaluation(deps, 'alice', run.id)).result?.cases[0]?.runs[0]?.answer).toHaveLength(
      INLINE_RESULT_BYTES,
    );
  });

  it("saves a session's suite only for its owner and only when valid; a saved suite is what runs", async () => {
    const { deps, tasks } = setup();
    await expect(saveSuite(deps, 'mallory', 'session-1', SUITE)).rejects.toBeInstanceOf(NotFoundError);
    await expect(saveSuite(deps, 'alice', 'session-1', 'name: x\ncases: []')).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(getSuite(deps, 'alice', 'session-1')).rejects.toBeInstanceOf(NotFoundError);
    const own = 'name: own\ncases: [{ id: one, input: hi, assertions: [{ type: length, min: 1 }] }]';
    await saveSuite(deps, 'alice', 'session-1', own);
    expect((await getSuite(deps, 'alice', 'session-1')).yaml).toBe(own);
    const { build } = await startBuild(deps, 'alice', { generationId: 'gen-1' });
    const { run } = await startEvaluation(deps, 'alice', { buildId: build.id });
    expect(run.suite).toBe('own');
    expect(tasks.map((t) => t.job.mode)).toEqual(['build', 'serve']);
    await expect(getEvaluation(deps, 'mallory', run.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers RUNNING past the wait budget, with the results so far, and completes in the background', async () => {
    const { deps } = setup();
    const { build } = await startBuild(deps, 'alice', { generationId: 'gen-1' });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = { ...deps, waitMs: 50 };
    const { run, finished, done } = await startEvaluation(
      slow,
      'alice',
      { buildId: build.id },
      async (turns) => {
        if (turns[0] === 'hello') await gate;
        return turns.map((input) => ({ status: 'succeeded', output: `You said: ${input}` }));
      },
    );
    expect(finished).toBe(false);
    expect(run.status).toBe('RUNNING');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const partway = await getEvaluation(deps, 'alice', run.id);
    expect(partway).toMatchObject({ status: 'RUNNING', progress: { done: 1, total: 2 } });
    expect(partway.result?.cases.map((c) => c.id)).toEqual(['adds']);
    release();
    await done;
    expect(await getEvaluation(deps, 'alice', run.id)).toMatchObject({
      status: 'COMPLETED',
      progress: { done: 2 },
    });
  });

  it('has judge assertions graded by the judge the platform gives, or skipped with its reason', async () => {
    const { deps } = setup();
    const judged = `name: j\ncases: [{ id: a, input: hi, assertions: [{ type: judge, rubric: "Greets the user back." }] }]`;
    const { build } = await startBuild(deps, 'alice', { generationId: 'gen-1' });
    const skipped = await startEvaluation({ ...deps, judgeFor: () => 'no judge on this platform' }, 'alice', {
      buildId: build.id,
      yaml: judged,
    });
    expect(skipped.run.result?.cases[0]?.runs[0]?.assertions[0]).toMatchObject({
      status: 'skipped',
      reason: 'no judge on this platform',
    });
    const graded = await startEvaluation(
      {
        ...deps,
        judgeFor: (modelId) => ({
          label: `judge for ${modelId}`,
          grade: async () => ({ type: 'judge', status: 'failed', reason: 'does not greet' }),
        }),
      },
      'alice',
      { buildId: build.id, yaml: judged },
    );
    expect(graded.run.result?.judge).toBe('judge for anthropic.claude-3-5-haiku-20241022-v1:0');
    expect(graded.run.result?.cases[0]?.passed).toBe(false);
  });

  it('reports a run that stopped reporting as lost, never RUNNING forever', async () => {
    const { deps, evaluations } = setup();
    const { build } = await startBuild(deps, 'alice', { generationId: 'gen-1' });
    const { run } = await startEvaluation(deps, 'alice', { buildId: build.id });
    const stuck = { ...(await evaluations.getRun(run.id)), status: 'RUNNING' } as EvaluationRecord;
    await evaluations.putRun(stuck);
    const later = { ...deps, now: () => new Date(Date.parse(run.createdAt) + 3_600_000) };
    expect(await getEvaluation(later, 'alice', run.id)).toMatchObject({
      status: 'FAILED',
      reason: /presumed lost/,
    });
  });

  it('refuses an invalid suite in the request, listing the problems', async () => {
    const { deps } = setup();
    const { build } = await startBuild(deps, 'alice', { generationId: 'gen-1' });
    await expect(
      startEvaluation(deps, 'alice', { buildId: build.id, yaml: 'name: x\ncases: [{ id: a }]' }),
    ).rejects.toMatchObject({
      type: 'validation-error',
      errors: expect.arrayContaining([expect.objectContaining({ path: 'cases[0].assertions' })]),
    });
  });
});
