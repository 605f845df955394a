import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunnerTask } from '../../../runner/task.ts';
import type { RunnerBackend, StartedRunner } from '../ports.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** What happened to a runner process, for the record of a runner that ended without reporting. */
export interface RunnerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string[];
  /** It was stopped on purpose (cancel, shutdown), so a run it leaves unreported was cancelled, not failed. */
  cancelled: boolean;
}

/** Every local runner backend of this process, so the platform can stop all runners when it stops. */
const backends = new Set<LocalProcessRunner>();

/** Stops every runner this process started (warm agents included) and waits for them, at most `waitMs`. */
export async function stopLocalRunners(waitMs = 10_000): Promise<void> {
  await Promise.all([...backends].map((b) => b.stopAll(waitMs)));
}

/**
 * The embedded platform's test runner: `runner/main.ts` as a child process per build or run (the same
 * program a Fargate task runs), reading its task from the artifact store. `onExit` sees every exit, so
 * a runner that dies before reporting is recorded as failed, never silently lost.
 */
export class LocalProcessRunner implements RunnerBackend {
  private readonly running = new Map<string, ChildProcess>();
  private readonly cancelled = new Set<string>();
  private readonly exits = new Set<Promise<void>>();

  constructor(
    private readonly env: Record<string, string>,
    private readonly onExit: (task: RunnerTask, exit: RunnerExit) => Promise<void>,
  ) {
    backends.add(this);
  }

  async start(task: RunnerTask, taskKey: string): Promise<StartedRunner> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'runner', 'main.ts')], {
      cwd: ROOT,
      env: { ...this.env, RUN_TASK_KEY: taskKey },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.running.set(task.record.id, child);
    const stderr: string[] = [];
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr.push(...chunk.split('\n').filter(Boolean));
      if (stderr.length > 40) stderr.splice(0, stderr.length - 40);
    });
    const done = new Promise<void>((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        this.running.delete(task.record.id);
        const cancelled = this.cancelled.delete(task.record.id);
        this.onExit(task, { code, signal, stderr, cancelled }).then(resolve, resolve);
      };
      child.once('exit', finish);
      child.once('error', (error) => {
        stderr.push(error.message);
        finish(null, null);
      });
    });
    this.exits.add(done);
    void done.then(() => this.exits.delete(done));
    return { done };
  }

  async cancel(id: string): Promise<void> {
    // The runner stops its agent, reports the run as cancelled and cleans up.
    const child = this.running.get(id);
    if (!child) return;
    this.cancelled.add(id);
    child.kill('SIGTERM');
  }

  /** Stops every runner (the platform is shutting down) and waits for them to report, at most `waitMs`. */
  async stopAll(waitMs = 10_000): Promise<void> {
    for (const [id, child] of this.running) {
      this.cancelled.add(id);
      child.kill('SIGTERM');
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.exits]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, waitMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
