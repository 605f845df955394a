import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** Why the harness stopped a process, when it did. */
export type StopReason = 'timeout' | 'memory_limit' | 'output_limit' | 'cancelled' | 'finished';

export interface ChildOptions {
  cwd: string;
  /** The whole environment of the child: nothing of the harness's own is inherited. */
  env: Record<string, string>;
  onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
  /** Resident memory ceiling in MiB, checked every 200 ms (Linux `/proc`). */
  memoryMb?: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the harness stopped it. */
  stoppedFor?: StopReason;
}

/**
 * A child process in its own process group, so stopping it stops everything it started (npm's
 * scripts, a shell's children). It is always killed when the harness exits.
 */
export class Child {
  readonly process: ChildProcess;
  readonly exited: Promise<Exit>;
  private stoppedFor: StopReason | undefined;
  private readonly watch: NodeJS.Timeout | undefined;

  constructor(command: string, args: string[], options: ChildOptions) {
    this.process = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(this);
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = this.process[stream];
      if (source && options.onLine) {
        const onLine = options.onLine;
        createInterface({ input: source, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) =>
          onLine(stream, line),
        );
      }
    }
    const limitKb = options.memoryMb ? options.memoryMb * 1024 : undefined;
    if (limitKb) {
      this.watch = setInterval(() => {
        const rss = residentKb(this.process.pid);
        if (rss !== undefined && rss > limitKb) this.stop('memory_limit');
      }, 200);
      this.watch.unref();
    }
    this.exited = new Promise<Exit>((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.watch) clearInterval(this.watch);
        live.delete(this);
        resolve({ code, signal, ...(this.stoppedFor ? { stoppedFor: this.stoppedFor } : {}) });
      };
      this.process.once('exit', done);
      this.process.once('error', (error) => {
        options.onLine?.('stderr', `could not start ${command}: ${error.message}`);
        done(null, null);
      });
    });
  }

  /** Stops the whole process group: SIGTERM, then SIGKILL after `graceMs`. The first reason wins. */
  stop(reason: StopReason, graceMs = 2_000): void {
    this.stoppedFor ??= reason;
    const pid = this.process.pid;
    if (pid === undefined || this.process.exitCode !== null || this.process.signalCode !== null) return;
    signalGroup(pid, 'SIGTERM');
    const kill = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
    kill.unref();
    void this.exited.then(() => {
      clearTimeout(kill);
      signalGroup(pid, 'SIGKILL'); // anything the process left behind in its group
    });
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Resident set size of a process in KiB, from `/proc` (undefined elsewhere or when it has exited). */
export function residentKb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

const live = new Set<Child>();
let hooked = false;

/** Kills every child still running when the harness itself exits, however it exits. */
export function killChildrenOnExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const child of live) if (child.process.pid) signalGroup(child.process.pid, 'SIGKILL');
  });
}

/** Runs a command to its end within `timeoutMs`, or until `signal` aborts; its lines go to `onLine`. */
export async function runToEnd(
  command: string,
  args: string[],
  options: ChildOptions & { timeoutMs: number; signal?: AbortSignal },
): Promise<Exit> {
  const child = new Child(command, args, options);
  const timer = setTimeout(() => child.stop('timeout'), options.timeoutMs);
  const onAbort = () => child.stop('cancelled');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await child.exited;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
