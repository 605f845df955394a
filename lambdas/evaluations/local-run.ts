import { randomUUID } from 'node:crypto';
import { type RunEvent, RunJob, type RunResult } from '../../runner/events.ts';
import { type HarnessDeps, runJob } from '../../runner/harness.ts';
import type { ModelBackend } from '../../runner/model-gateway.ts';
import { priceOf } from '../testing/run-cost.ts';
import type { CaseExecutor, ExecutedRun } from './run-suite.ts';

export interface LocalRunOptions {
  /** The generated project's zip. */
  zip: Uint8Array;
  /** Names the finished build in the cache, so later runs of the same project skip install and build. */
  buildKey: string;
  cacheDir: string;
  backend: ModelBackend;
  toolEnv: Record<string, string>;
  ollamaHost?: string;
  /** The model id the agent invokes (the spec's), whose registry price each turn's cost uses. */
  modelId?: string;
  onEvent?: (event: RunEvent) => void;
  signal?: AbortSignal;
}

const deps = (o: LocalRunOptions): HarnessDeps => ({
  cacheDir: o.cacheDir,
  backend: o.backend,
  toolEnv: o.toolEnv,
  ...(o.ollamaHost ? { ollamaHost: o.ollamaHost } : {}),
  fetchProject: async () => o.zip,
  emit: (event) => o.onEvent?.(event),
});

/** Installs and compiles the project in the runner's harness (in this process), or reuses the finished build. */
export async function buildLocally(o: LocalRunOptions): Promise<RunResult> {
  return runJob(
    RunJob.parse({
      mode: 'build',
      runId: `eval-build-${randomUUID()}`,
      project: { zipPath: 'project.zip' },
      buildKey: o.buildKey,
    }),
    deps(o),
    o.signal ?? new AbortController().signal,
  );
}

/**
 * Each case run as a conversation with the build's agent, started once by the runner's harness (a
 * `serve` job, as `agent-builder test` chats) on the finished build: the same sandbox and model gateway
 * as the platform's runs, without the platform (the CLI, the bench). Every turn is sent to the running
 * agent with the case run's runtime session id, so a later turn sees the earlier ones; each turn's
 * result carries its trace and its cost at the spec model's registry price. The agent is stopped after
 * the last turn, or after the first turn that does not succeed.
 */
export function localExecutor(o: LocalRunOptions): CaseExecutor {
  return async (turns, { runtimeSessionId, signal }) => {
    const runs: ExecutedRun[] = [];
    const ended = () => runs.length >= turns.length || runs.some((r) => r.status !== 'succeeded');
    const conversation = await runJob(
      RunJob.parse({
        mode: 'serve',
        runId: `eval-${randomUUID()}`,
        project: { zipPath: 'project.zip' },
        buildKey: o.buildKey,
        runtimeSessionId,
      }),
      {
        ...deps(o),
        turns: (stop) =>
          (async function* () {
            // The harness asks for the next turn only once the previous one was reported.
            for (const input of turns) {
              if (stop.aborted || ended()) return;
              yield { runId: `eval-${randomUUID()}`, input, requestedAt: new Date().toISOString(), signal };
            }
          })(),
        onTurn: async (result) => {
          const cost = priceOf({ modelId: o.modelId, metrics: result.metrics, model: result.model });
          runs.push({ ...result, id: result.runId, ...(cost ? { cost } : {}) });
        },
      },
      signal,
    );
    // The agent did not start (or stopped between turns): the case run failed for that reason.
    if (!ended() && conversation.status !== 'succeeded')
      runs.push({ ...conversation, id: conversation.runId });
    return runs;
  };
}
