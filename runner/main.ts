/**
 * The runner program: one build, test run, conversation or evaluation, then exit. Locally the platform starts it as a child
 * process; in AWS it is the entry point of the Fargate task (runner/Dockerfile). Its task comes from
 * the artifact store (`RUN_TASK_KEY`, written by the platform) or from a JSON file given as the first
 * argument. Every event is written to stdout as a JSON line and, when the task names a WebSocket
 * connection, posted to it; the result is stored on the build or run record.
 *
 *   RUN_TASK_KEY=tests/<id>/task.json node --import tsx runner/main.ts
 *   node --import tsx runner/main.ts task.json        # { job: {...}, record: {...} }
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiGatewayConnectionPoster } from '../lambdas/core/adapters/connections.ts';
import { dataAdapters } from '../lambdas/core/adapters/data.ts';
import { platformConfig } from '../lambdas/core/config.ts';
import type { ArtifactStore } from '../lambdas/core/ports.ts';
import { DynamoDbEvaluationRepository } from '../lambdas/evaluations/dynamodb-evaluation-repository.ts';
import { modelJudge, NO_JUDGE_REASON } from '../lambdas/evaluations/judge.ts';
import { runEvaluationJob } from '../lambdas/evaluations/runner-job.ts';
import { DynamoDbRunnerSlots } from '../lambdas/testing/dynamodb-runner-slots.ts';
import { DynamoDbTestRepository } from '../lambdas/testing/dynamodb-test-repository.ts';
import type { Progress } from '../lambdas/testing/model.ts';
import { recordConversationEnd, recordResult } from '../lambdas/testing/service.ts';
import { chooseBackend, ollamaHostFor } from './backends.ts';
import { type RunEvent, RunJob, type RunResult } from './events.ts';
import { runJob, scrubbedEnv, type Turn } from './harness.ts';
import type { RunnerTask } from './task.ts';

/** The artifact store seen through one builder's cache prefix: `runner-cache/x` → `runner-cache/<scope>/x`. */
function scopedCache(store: ArtifactStore, scope: string): ArtifactStore {
  const key = (k: string) => k.replace(/^runner-cache\//, `runner-cache/${scope}/`);
  return {
    get: (k) => store.get(key(k)),
    put: (k, body, type) => store.put(key(k), body, type),
  };
}

/**
 * A conversation's turns, from the table: the oldest queued turn when there is one (checked every
 * 150 ms), each cancellable on its own (a cancel request, checked every 250 ms while it runs). Ends
 * when the conversation has ended, its deadline has passed, or no turn came for `idleMs`.
 */
function conversationTurns(tests: DynamoDbTestRepository, id: string, idleMs: number) {
  let why = 'its turns ended';
  return {
    endReason: () => why,
    async *turns(stop: AbortSignal, onTake: (turn: { connectionId?: string }) => void): AsyncGenerator<Turn> {
      let lastActive = Date.now();
      while (!stop.aborted) {
        const conversation = await tests.getConversation(id);
        if (!conversation || conversation.status === 'ENDED') {
          why = conversation?.endedReason ?? 'ended';
          return;
        }
        if (Date.now() > Date.parse(conversation.expiresAt)) {
          why = 'it reached the longest time a conversation is kept';
          return;
        }
        const queued = await tests.takeTurn(id);
        if (queued) {
          const cancel = new AbortController();
          const watch = setInterval(() => {
            tests.turnCancelRequested(id, queued.runId).then(
              (asked) => asked && cancel.abort(),
              () => undefined,
            );
          }, 250);
          onTake(queued);
          try {
            yield {
              runId: queued.runId,
              input: queued.input,
              requestedAt: queued.requestedAt,
              signal: cancel.signal,
            };
          } finally {
            clearInterval(watch);
          }
          lastActive = Date.now();
          continue;
        }
        if (Date.now() - lastActive >= idleMs) {
          why = `idle for ${Math.round(idleMs / 1000)} s: its agent was stopped`;
          return;
        }
        await sleep(150);
      }
    },
  };
}

/**
 * Turns the job's events into its Progress record: the phase, the time since the start, npm's count of
 * fetched packages and the last log lines. Written at once on a new phase, else at most once a second.
 */
function progressWriter(write: (progress: Progress) => Promise<void>) {
  let current: Progress = {
    phase: 'queued',
    message: 'starting the runner',
    elapsedMs: 0,
    logTail: [],
    updatedAt: new Date().toISOString(),
  };
  let fetched = 0;
  let writing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const snapshot = { ...current, updatedAt: new Date().toISOString() };
    writing = writing.then(() => write(snapshot)).catch(() => undefined);
  };
  return {
    see(event: RunEvent) {
      if (event.type === 'result' || event.type === 'metrics') return;
      const tail = current.logTail;
      if (event.type === 'status') {
        current = { ...current, phase: event.phase, message: event.message, elapsedMs: event.atMs };
        flush();
        return;
      }
      if (event.type === 'log') {
        if (/^npm http fetch /.test(event.line)) fetched += 1;
        current = {
          ...current,
          elapsedMs: event.atMs,
          logTail: [...tail, `[${event.source}] ${event.line}`].slice(-20),
          ...(fetched > 0 ? { packagesFetched: fetched } : {}),
        };
      } else current = { ...current, elapsedMs: event.atMs };
      timer ??= setTimeout(flush, 1_000);
    },
    async close() {
      clearTimeout(timer);
      await writing;
    },
  };
}

async function main(): Promise<number> {
  const config = platformConfig();
  const { table, store } = dataAdapters(config);
  const tests = new DynamoDbTestRepository(table);
  // The task's slot is given back when its result is recorded.
  const slots = new DynamoDbRunnerSlots(table, {
    perUser: config.TEST_MAX_CONCURRENT_PER_USER,
    total: config.TEST_MAX_CONCURRENT_TOTAL,
  });
  const taskKey = process.env.RUN_TASK_KEY;
  const taskFile = process.argv[2];
  let task: RunnerTask;
  if (taskKey) {
    const body = await store.get(taskKey);
    if (!body) throw new Error(`no task at ${taskKey} in the artifact store`);
    task = JSON.parse(Buffer.from(body).toString('utf8')) as RunnerTask;
  } else if (taskFile) {
    task = JSON.parse(readFileSync(taskFile, 'utf8')) as RunnerTask;
  } else {
    process.stderr.write('usage: RUN_TASK_KEY=<key> runner/main.ts | runner/main.ts <task.json>\n');
    return 2;
  }
  const job = RunJob.parse(task.job);
  const abort = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => abort.abort());
  const backend = chooseBackend(config);
  const ollamaHost = ollamaHostFor(config);
  const harness = {
    cacheDir: resolve(config.RUNNER_CACHE_DIR),
    // The shared dependency cache, under this builder's own prefix only (none without a scope).
    ...(config.RUNNER_REMOTE_CACHE === 'true' && job.cacheScope
      ? { remoteCache: scopedCache(store, job.cacheScope) }
      : {}),
    backend,
    toolEnv: scrubbedEnv(process.env),
    ...(ollamaHost ? { ollamaHost } : {}),
    fetchProject: async (project: RunJob['project']) => {
      if ('zipPath' in project) return readFileSync(project.zipPath);
      const zip = await store.get(project.artifactKey);
      if (!zip) throw new Error(`the project ${project.artifactKey} is no longer stored; generate it again`);
      return zip;
    },
  };
  if (job.mode === 'evaluate') {
    // An evaluation: the suite against warm agents of the build, each case recorded as it finishes;
    // judge assertions graded by the agent's model through this runner's model backend (the task's
    // credentials), or skipped with the reason on the offline model.
    await runEvaluationJob(
      {
        evaluations: new DynamoDbEvaluationRepository(table),
        store,
        slots,
        judgeFor: (modelId) => modelJudge(backend, modelId) ?? NO_JUDGE_REASON,
      },
      task,
      { ...harness, emit: (event) => void process.stdout.write(`${JSON.stringify(event)}\n`) },
      abort.signal,
    );
    return 0;
  }
  const poster = config.WEBSOCKET_ENDPOINT
    ? ApiGatewayConnectionPoster.fromConfig({ ...config, WEBSOCKET_ENDPOINT: config.WEBSOCKET_ENDPOINT })
    : undefined;
  // A conversation's turns may each come from another connection: events go to the current one's.
  let connectionId = task.connectionId;
  const conversation =
    job.mode === 'serve' && taskKey ? conversationTurns(tests, task.record.id, job.idleTimeoutMs) : undefined;
  let resultEvent: RunEvent | undefined;
  // How far the job has got, kept beside its record for clients that read it by GET.
  const kind = task.record.kind;
  const progress =
    taskKey && kind !== 'evaluation'
      ? progressWriter((p) => tests.putProgress(kind, task.record.id, p))
      : undefined;
  const result = await runJob(
    job,
    {
      ...harness,
      emit: async (event) => {
        process.stdout.write(`${JSON.stringify(event)}\n`);
        progress?.see(event);
        // The result goes to the client once it is stored, so history already holds the run it announces.
        if (event.type === 'result') resultEvent = event;
        else if (poster && connectionId) await poster.post(connectionId, event);
      },
      ...(conversation
        ? {
            turns: (stop: AbortSignal) =>
              conversation.turns(stop, (turn) => {
                connectionId = turn.connectionId ?? task.connectionId;
              }),
            onTurn: async (turnResult: RunResult) => {
              await recordResult({ tests, store, slots }, { kind: 'run', id: turnResult.runId }, turnResult);
              if (poster && connectionId && resultEvent?.runId === turnResult.runId)
                await poster.post(connectionId, resultEvent);
              resultEvent = undefined;
            },
          }
        : {}),
    },
    abort.signal,
  );
  await progress?.close();
  if (conversation) {
    await recordConversationEnd(
      { tests, slots },
      task.record.id,
      result.status === 'succeeded' ? conversation.endReason() : (result.reason ?? result.status),
    );
    return 0;
  }
  if (taskKey) {
    await recordResult({ tests, store, slots }, task.record, result);
  }
  if (poster && connectionId && resultEvent) await poster.post(connectionId, resultEvent);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`runner failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
