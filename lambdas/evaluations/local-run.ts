import { randomUUID } from 'node:crypto';
import { type RunEvent, RunJob, type RunLimits, type RunResult } from '../../runner/events.ts';
import { type HarnessDeps, runJob, type Turn } from '../../runner/harness.ts';
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

/**
 * Where an evaluation's agents come from: the runner's harness (in this process) and the build it
 * runs. The CLI and the bench give a zip; a runner task (`evaluate` job) its job's project and limits.
 */
export interface AgentSource {
  harness: Omit<HarnessDeps, 'turns' | 'onTurn'>;
  project: RunJob['project'];
  /** Names the finished build in the cache, so later runs of the same project skip install and build. */
  buildKey: string;
  cacheScope?: string;
  limits?: RunLimits;
  /** The model id the agent invokes (the spec's), whose registry price each turn's cost uses. */
  modelId?: string;
}

const sourceOf = (o: LocalRunOptions): AgentSource => ({
  harness: {
    cacheDir: o.cacheDir,
    backend: o.backend,
    toolEnv: o.toolEnv,
    ...(o.ollamaHost ? { ollamaHost: o.ollamaHost } : {}),
    fetchProject: async () => o.zip,
    emit: (event) => o.onEvent?.(event),
  },
  project: { zipPath: 'project.zip' },
  buildKey: o.buildKey,
  ...(o.modelId ? { modelId: o.modelId } : {}),
});

const jobOf = (s: AgentSource, mode: 'build' | 'serve', runId: string) =>
  RunJob.parse({
    mode,
    runId,
    project: s.project,
    buildKey: s.buildKey,
    ...(s.cacheScope ? { cacheScope: s.cacheScope } : {}),
    ...(s.limits ? { limits: s.limits } : {}),
  });

/** Installs and compiles the project in the runner's harness (in this process), or reuses the finished build. */
export async function buildAgent(s: AgentSource, signal: AbortSignal): Promise<RunResult> {
  return runJob(jobOf(s, 'build', `eval-build-${randomUUID()}`), s.harness, signal);
}

/** Installs and compiles the project in the runner's harness (in this process), or reuses the finished build. */
export async function buildLocally(o: LocalRunOptions): Promise<RunResult> {
  return buildAgent(sourceOf(o), o.signal ?? new AbortController().signal);
}

/** One running agent of the build (a harness `serve` job), answering turns of any conversation. */
interface WarmAgent {
  /** Sends one turn in the conversation `runtimeSessionId`; answers with its result (the agent's end, if it stopped). */
  say(input: string, runtimeSessionId: string, signal: AbortSignal): Promise<RunResult>;
  alive(): boolean;
  stop(): Promise<void>;
}

function startAgent(s: AgentSource): WarmAgent {
  const queue: Turn[] = [];
  const waiting = new Map<string, (result: RunResult) => void>();
  let wake: (() => void) | undefined;
  let closed = false;
  let ended: RunResult | undefined;
  const abort = new AbortController();
  const done = runJob(
    // Each turn names its own conversation; the job's own session is never used for a case.
    { ...jobOf(s, 'serve', `eval-agent-${randomUUID()}`), runtimeSessionId: `eval-agent-${randomUUID()}` },
    {
      ...s.harness,
      turns: (stop) =>
        (async function* () {
          stop.addEventListener('abort', () => wake?.());
          while (!closed && !stop.aborted) {
            const turn = queue.shift();
            if (turn) yield turn;
            else await new Promise<void>((resolve) => (wake = resolve));
          }
        })(),
      onTurn: async (result) => waiting.get(result.runId)?.(result),
    },
    abort.signal,
  ).then((result) => {
    // The agent stopped (it did not start, broke a limit, or was stopped): turns still waiting end with it.
    ended = result;
    for (const [runId, answer] of waiting) answer({ ...result, runId });
    return result;
  });
  return {
    say(input, runtimeSessionId, signal) {
      const runId = `eval-${randomUUID()}`;
      return new Promise<RunResult>((resolve) => {
        if (ended) return resolve({ ...ended, runId });
        waiting.set(runId, (result) => {
          waiting.delete(runId);
          resolve(result);
        });
        queue.push({ runId, input, runtimeSessionId, requestedAt: new Date().toISOString(), signal });
        wake?.();
      });
    },
    alive: () => !ended && !closed,
    async stop() {
      closed = true;
      wake?.();
      await done;
    },
  };
}

/**
 * Case runs as conversations with the build's warm agents, started by the runner's harness (`serve`
 * jobs, as `agent-builder test` chats) on the finished build: the same sandbox and model gateway as
 * the platform's runs, without the platform (the CLI, the bench). An agent is started for each case
 * run going at once (the suite's concurrency) and kept for the next: each case run is a conversation
 * of its own (its runtime session id), so a later turn sees the earlier ones of its case and no other
 * case's. Each turn's result carries its trace and its cost at the spec model's registry price. A case
 * run stops after the first turn that does not succeed. `stop()` stops the agents.
 */
export function localExecutor(o: LocalRunOptions): CaseExecutor & { stop(): Promise<void> } {
  return warmExecutor(sourceOf(o));
}

/** Case runs as conversations with warm agents of an agent source (see localExecutor). */
export function warmExecutor(o: AgentSource): CaseExecutor & { stop(): Promise<void> } {
  const idle: WarmAgent[] = [];
  const all: WarmAgent[] = [];
  const execute: CaseExecutor = async (turns, { runtimeSessionId, signal }) => {
    let agent = idle.pop();
    while (agent && !agent.alive()) agent = idle.pop();
    if (!agent) {
      agent = startAgent(o);
      all.push(agent);
    }
    const runs: ExecutedRun[] = [];
    try {
      for (const input of turns) {
        const result = await agent.say(input, runtimeSessionId, signal);
        const cost = priceOf({ modelId: o.modelId, metrics: result.metrics, model: result.model });
        runs.push({ ...result, id: result.runId, ...(cost ? { cost } : {}) });
        if (result.status !== 'succeeded') break;
      }
    } finally {
      if (agent.alive()) idle.push(agent);
    }
    return runs;
  };
  return Object.assign(execute, {
    async stop() {
      await Promise.all(all.map((a) => a.stop()));
    },
  });
}
