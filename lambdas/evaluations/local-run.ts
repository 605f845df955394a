import { randomUUID } from 'node:crypto';
import { type RunEvent, RunJob, type RunResult } from '../../runner/events.ts';
import { type HarnessDeps, runJob } from '../../runner/harness.ts';
import type { ModelBackend } from '../../runner/model-gateway.ts';
import type { CaseExecutor } from './run-suite.ts';

export interface LocalRunOptions {
  /** The generated project's zip. */
  zip: Uint8Array;
  /** Names the finished build in the cache, so later runs of the same project skip install and build. */
  buildKey: string;
  cacheDir: string;
  backend: ModelBackend;
  toolEnv: Record<string, string>;
  ollamaHost?: string;
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
 * Each turn of a case as a run of the harness on the finished build: the same sandbox and model
 * gateway as the platform's test runs, without the platform (the CLI, the bench). A conversation's
 * turns carry one runtime session id; today each run starts the agent afresh, so the agent itself does
 * not remember earlier turns unless its session store persists them (warm agents will keep them).
 */
export function localExecutor(o: LocalRunOptions): CaseExecutor {
  return async (turns, { runtimeSessionId, signal }) => {
    const runs = [];
    for (const input of turns) {
      const result = await runJob(
        RunJob.parse({
          mode: 'run',
          runId: `eval-${randomUUID()}`,
          project: { zipPath: 'project.zip' },
          buildKey: o.buildKey,
          input,
          runtimeSessionId,
        }),
        deps(o),
        signal,
      );
      runs.push({ ...result, id: result.runId });
      if (result.status !== 'succeeded') break;
    }
    return runs;
  };
}
