import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** Why the harness stopped a process, when it did. */
export type StopReason = 'timeout' | 'memory_limit' | 'cpu_limit' | 'output_limit' | 'cancelled' | 'finished';

/**
 * The processes a child stands for: all of them are counted against its limits and all of them are
 * killed when it stops. A sandboxed agent is the whole of its PID namespace (runner/sandbox.ts); a
 * plain child is its process group and its descendants.
 */
export interface ProcessTree {
  /** Which of the processes in `table` belong to the tree (undefined while it is not known yet). */
  members(table: ProcessInfo[]): ProcessInfo[] | undefined;
  /** Kills every process of the tree at once. */
  killAll(): void;
}

export interface ChildOptions {
  cwd: string;
  /** The whole environment of the child: nothing of the harness's own is inherited. */
  env: Record<string, string>;
  onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
  /** Resident memory ceiling of the whole tree in MiB, checked every 200 ms (Linux `/proc`). */
  memoryMb?: number;
  /** CPU time ceiling of the whole tree in seconds, checked with the memory. */
  cpuSeconds?: number;
  /** How the tree is told and killed. @default the child's process group and descendants */
  tree?: (child: ChildProcess) => ProcessTree;
  /** A fourth pipe (fd 3), for programs that report on it (bubblewrap's `--info-fd 3`). */
  infoPipe?: boolean;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the harness stopped it. */
  stoppedFor?: StopReason;
  /** The most the tree held at once, in KiB of resident memory (when it was watched). */
  peakKb?: number;
}

/**
 * A child process in its own process group, with every process it starts counted against its limits
 * (memory and CPU time of the whole tree) and stopped with it: stopping it stops everything it
 * started, however it detached itself. It is always killed when the harness exits.
 */
export class Child {
  readonly process: ChildProcess;
  readonly exited: Promise<Exit>;
  readonly tree: ProcessTree;
  private stoppedFor: StopReason | undefined;
  /** Why the harness stopped it, as soon as it did (before it has exited). */
  get stopped(): StopReason | undefined {
    return this.stoppedFor;
  }
  private readonly watch: NodeJS.Timeout | undefined;
  private peakKb = 0;
  /** Processes seen in the tree, so that those that left its group are still killed at the end. */
  private readonly seen = new Map<number, string>();

  constructor(command: string, args: string[], options: ChildOptions) {
    this.process = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', ...(options.infoPipe ? (['pipe'] as const) : [])],
    });
    this.tree = options.tree ? options.tree(this.process) : groupTree(this.process, this.seen);
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
    const cpuTicks = options.cpuSeconds ? options.cpuSeconds * CLOCK_TICKS : undefined;
    if (limitKb || cpuTicks) {
      this.watch = setInterval(() => {
        const members = this.tree.members(processTable());
        if (!members) return;
        const rss = members.reduce((sum, p) => sum + p.rssKb, 0);
        const cpu = members.reduce((sum, p) => sum + p.cpuTicks, 0);
        this.peakKb = Math.max(this.peakKb, rss);
        if (limitKb && rss > limitKb) this.stop('memory_limit', 0);
        else if (cpuTicks && cpu > cpuTicks) this.stop('cpu_limit', 0);
      }, 200);
      this.watch.unref();
    }
    this.exited = new Promise<Exit>((resolve) => {
      const done = async (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.watch) clearInterval(this.watch);
        live.delete(this);
        // Whatever it left behind goes with it, and is gone before the exit is told.
        await this.gone();
        resolve({
          code,
          signal,
          ...(this.stoppedFor ? { stoppedFor: this.stoppedFor } : {}),
          ...(this.peakKb > 0 ? { peakKb: this.peakKb } : {}),
        });
      };
      this.process.once('exit', (code, signal) => void done(code, signal));
      this.process.once('error', (error) => {
        options.onLine?.('stderr', `could not start ${command}: ${error.message}`);
        void done(null, null);
      });
    });
  }

  /** Kills what is left of the tree and waits (up to 5 s) until none of it is running. */
  private async gone(): Promise<void> {
    for (let i = 0; i < 50; i++) {
      this.tree.killAll();
      // A zombie holds nothing and goes when its parent (or the kernel) reaps it.
      if ((this.tree.members(processTable()) ?? []).every((p) => p.state === 'Z')) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Stops the whole tree: SIGTERM, then SIGKILL to every process of it after `graceMs` (at once when
   * 0, as for a limit). The first reason wins.
   */
  stop(reason: StopReason, graceMs = 2_000): void {
    this.stoppedFor ??= reason;
    const pid = this.process.pid;
    if (pid === undefined || this.process.exitCode !== null || this.process.signalCode !== null) return;
    if (graceMs === 0) {
      this.tree.killAll();
      signalGroup(pid, 'SIGKILL');
      return;
    }
    signalGroup(pid, 'SIGTERM');
    const kill = setTimeout(() => {
      this.tree.killAll();
      signalGroup(pid, 'SIGKILL');
    }, graceMs);
    kill.unref();
    void this.exited.then(() => clearTimeout(kill));
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Kernel clock ticks per second, the unit of CPU times in `/proc/<pid>/stat` (100 on Linux). */
const CLOCK_TICKS = 100;

/** One process as `/proc` tells it. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** Start time since boot, in clock ticks: with the pid, who a process is (pids are reused). */
  start: string;
  /** R running, S sleeping, Z zombie… */
  state: string;
  rssKb: number;
  /** User and system time of the process and of its children it has waited for, in clock ticks. */
  cpuTicks: number;
}

const PAGE_KB = 4;

/** Every process of this machine (of this PID namespace), from `/proc`; empty where there is none. */
export function processTable(): ProcessInfo[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const table: ProcessInfo[] = [];
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses: fields are counted after its end.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const n = (i: number) => Number(fields[i - 3] ?? 0);
      table.push({
        pid: Number(pid),
        ppid: n(4),
        pgid: n(5),
        start: fields[22 - 3] ?? '',
        state: fields[0] ?? '',
        rssKb: n(24) * PAGE_KB,
        cpuTicks: n(14) + n(15) + n(16) + n(17),
      });
    } catch {
      // gone while we looked
    }
  }
  return table;
}

/** A plain child's tree: its process group, its descendants, and whatever of them was seen before. */
function groupTree(child: ChildProcess, seen: Map<number, string>): ProcessTree {
  const root = child.pid;
  return {
    members(table) {
      if (root === undefined) return undefined;
      const byParent = new Map<number, ProcessInfo[]>();
      for (const p of table) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
      const members = new Map<number, ProcessInfo>();
      const visit = (p: ProcessInfo) => {
        if (members.has(p.pid)) return;
        members.set(p.pid, p);
        for (const c of byParent.get(p.pid) ?? []) visit(c);
      };
      for (const p of table) if (p.pid === root || p.pgid === root || seen.get(p.pid) === p.start) visit(p);
      for (const p of members.values()) seen.set(p.pid, p.start);
      return [...members.values()];
    },
    killAll() {
      if (root === undefined) return;
      signalGroup(root, 'SIGKILL');
      const table = processTable();
      for (const p of this.members(table) ?? []) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}

const live = new Set<Child>();
let hooked = false;

/** Kills every child still running when the harness itself exits, however it exits. */
export function killChildrenOnExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const child of live) {
      child.tree.killAll();
      if (child.process.pid) signalGroup(child.process.pid, 'SIGKILL');
    }
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
