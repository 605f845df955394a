import { type ChildProcess, spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChildOptions, type ProcessInfo, type ProcessTree, processTable } from './process.ts';

/**
 * How test-run agents are isolated on this machine (DESIGN.md, "The sandbox"):
 * - `bubblewrap`: each agent in its own user, PID, mount, network, IPC and UTS namespaces, as a user
 *   of its own when the runner is root, under process-tree limits (runner/process.ts) and prlimit.
 * - `user`: no namespaces (a container that forbids them, as Fargate's does), but the runner is root:
 *   each agent runs as a user of its own under the same limits, so it cannot read or signal the
 *   runner (its environment, its credentials endpoint's secret path) nor write the runner's files.
 *   Tools that act on the machine are refused, as the network and the file system are shared.
 * - `none`: no isolation could be set up here; agents run as plain child processes, and agents with
 *   tools that act on the machine (shell, files, code, AWS) are refused rather than run bare.
 */
export type Isolation =
  | { kind: 'bubblewrap'; detail: string }
  | { kind: 'user'; detail: string; reason: string }
  | { kind: 'none'; reason: string };

/** Tools that run code or act on files, processes or AWS: never run without isolation. */
export const DANGEROUS_TOOLS = [
  'shell',
  'python_repl',
  'code_interpreter',
  'file_write',
  'file_editor',
  'file_read',
  'notebook',
  'use_aws',
  'mcp_filesystem',
  'mcp_git',
  'browser',
] as const;

const BRIDGE = fileURLToPath(new URL('./sandbox-bridge.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the sandbox sees its sockets, the bridge and its private temp dir. */
const INSIDE_RUN = '/run/sandbox';

let detected: Isolation | undefined;

/** Finds out once whether bubblewrap works here (it needs user namespaces) and says what is in force. */
export function detectIsolation(): Isolation {
  if (detected) return detected;
  const tools = ['bwrap', 'prlimit', ...(isRoot() ? ['setpriv'] : [])];
  const missing = tools.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (missing.length > 0 && isRoot() && !missing.includes('prlimit') && !missing.includes('setpriv')) {
    detected = {
      kind: 'user',
      detail: 'a user of its own per run, limits on the whole process tree (no namespaces)',
      reason: 'bwrap not found (install the Debian package bubblewrap)',
    };
    return detected;
  }
  if (missing.length > 0) {
    detected = {
      kind: 'none',
      reason: `${missing.join(', ')} not found (install the Debian packages bubblewrap and util-linux)`,
    };
    return detected;
  }
  const probe = spawnSync(
    'bwrap',
    [...namespaceArgs(), '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', 'true'],
    { encoding: 'utf8', timeout: 10_000 },
  );
  const namespacesFail = `bubblewrap cannot create namespaces here: ${(probe.stderr || probe.error?.message || 'no output').trim()}`;
  if (probe.status !== 0 && isRoot()) {
    detected = {
      kind: 'user',
      detail: 'a user of its own per run, limits on the whole process tree (no namespaces)',
      reason: namespacesFail,
    };
    return detected;
  }
  detected =
    probe.status === 0
      ? {
          kind: 'bubblewrap',
          detail: `bubblewrap: own user, PID, mount and network namespaces, ${isRoot() ? 'a user of its own per run, ' : ''}loopback only, read-only system, private /tmp, limits on the whole process tree`,
        }
      : { kind: 'none', reason: namespacesFail };
  return detected;
}

const isRoot = () => process.getuid?.() === 0;

function namespaceArgs(): string[] {
  return [
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--new-session',
    '--die-with-parent',
    '--cap-drop',
    'ALL',
  ];
}

/** The project's tools that are never run without isolation, from its tool modules. */
export function dangerousToolsIn(toolIds: string[]): string[] {
  return toolIds.filter((id) => (DANGEROUS_TOOLS as readonly string[]).includes(id));
}

export interface SandboxLimits {
  memoryMb: number;
  cpuSeconds: number;
  maxProcesses: number;
  maxOpenFiles: number;
  /** Largest file the agent may write, in MiB. */
  maxFileMb: number;
}

export interface SandboxSpec {
  /** The agent program and its arguments, as paths outside (they are mounted at the same paths). */
  command: string;
  args: string[];
  /** The agent's environment, whole. */
  env: Record<string, string>;
  /** Mounted read-only at the same paths: the project, its dependencies, the runtime. */
  readOnly: string[];
  /** More of the machine the agent must not see (the runner's caches: other builds). */
  hide?: string[];
  /** The run's own directory (outside): it holds the workspace and the sockets. */
  runDir: string;
  /** The gateway's Unix socket outside; inside, the agent reaches it at 127.0.0.1:`gatewayPort`. */
  gatewaySocket: string;
  gatewayPort: number;
  /** Where the agent listens inside. */
  agentPort: number;
  /** The egress proxy's Unix socket outside and its port inside, when the agent may call hosts outside. */
  egress?: { socket: string; port: number };
  limits: SandboxLimits;
}

export interface Sandbox {
  command: string;
  args: string[];
  /** The writable directory the agent starts in (the same path inside and out). */
  workspace: string;
  /** The agent's server, from outside: a Unix socket the bridge forwards to its port. */
  agentSocket: string;
  /** Options for `new Child(...)`: the whole PID namespace is the process tree. */
  options: Pick<ChildOptions, 'tree' | 'infoPipe' | 'memoryMb' | 'cpuSeconds' | 'env' | 'cwd'>;
}

/**
 * The command line that runs an agent in bubblewrap: prlimit (open files, processes, file size, CPU
 * time per process), then, as root, a user id of its own for this run (so the process limit counts
 * this run's processes only and nothing of the runner's is its own), then bwrap with every namespace
 * unshared: the agent sees the system read-only, none of the platform's files (repository, home,
 * data, caches other than its own dependencies), a private /tmp, its workspace, loopback only, and
 * reaches the model gateway through the bridge (runner/sandbox-bridge.mjs).
 */
export function sandboxCommand(spec: SandboxSpec): Sandbox {
  const uid = isRoot() ? randomInt(200_000, 300_000) : undefined;
  const workspace = join(spec.runDir, 'workspace');
  const sockets = join(spec.runDir, 'sockets');
  for (const dir of [workspace, sockets]) {
    mkdirSync(dir, { recursive: true });
    if (uid !== undefined) chownSync(dir, uid, uid);
    chmodSync(dir, 0o700);
  }
  if (uid !== undefined) chownSync(spec.runDir, 0, 0);
  chmodSync(spec.runDir, 0o755);
  // The gateway's socket is the runner's: the agent's user may connect to it.
  if (existsSync(spec.gatewaySocket)) chmodSync(spec.gatewaySocket, 0o666);
  if (spec.egress && existsSync(spec.egress.socket)) chmodSync(spec.egress.socket, 0o666);
  const agentSocket = join(sockets, 'agent.sock');

  const hidden = unique([
    '/tmp',
    '/var/tmp',
    '/run',
    tmpdir(),
    '/root',
    '/home',
    homedir(),
    ROOT,
    process.cwd(),
    ...(spec.hide ?? []),
  ]).filter((p) => existsSync(p));
  // Mounted where they really are: a link in the project (node_modules into the cache) then resolves.
  const node = realpathSync(process.execPath);
  const readOnly = unique([...spec.readOnly, node].filter((p) => existsSync(p)).map((p) => realpathSync(p)));
  const l = spec.limits;
  const args = [
    `--nofile=${l.maxOpenFiles}`,
    `--nproc=${l.maxProcesses}`,
    `--fsize=${l.maxFileMb * 1024 * 1024}`,
    `--cpu=${l.cpuSeconds + 5}`,
    `--core=0`,
    '--',
    ...(uid !== undefined
      ? ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--inh-caps=-all', '--']
      : []),
    'bwrap',
    ...namespaceArgs(),
    '--info-fd',
    '3',
    '--ro-bind',
    '/',
    '/',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    ...hidden.flatMap((p) => ['--tmpfs', p]),
    ...readOnly.flatMap((p) => ['--ro-bind', p, p]),
    '--bind',
    workspace,
    workspace,
    '--bind',
    sockets,
    join(INSIDE_RUN, 'sockets'),
    '--bind',
    spec.gatewaySocket,
    join(INSIDE_RUN, 'gateway.sock'),
    ...(spec.egress ? ['--bind', spec.egress.socket, join(INSIDE_RUN, 'egress.sock')] : []),
    '--ro-bind',
    BRIDGE,
    join(INSIDE_RUN, 'bridge.mjs'),
    // What hides the platform's files is read-only too (only /tmp is the agent's to write).
    ...hidden.filter((p) => p !== '/tmp').flatMap((p) => ['--remount-ro', p]),
    '--chdir',
    workspace,
    '--hostname',
    'sandbox',
    '--',
    node,
    join(INSIDE_RUN, 'bridge.mjs'),
    String(spec.gatewayPort),
    join(INSIDE_RUN, 'gateway.sock'),
    join(INSIDE_RUN, 'sockets', 'agent.sock'),
    String(spec.agentPort),
    ...(spec.egress ? [String(spec.egress.port), join(INSIDE_RUN, 'egress.sock')] : []),
    '--',
    spec.command,
    ...spec.args,
  ];
  return {
    command: 'prlimit',
    args,
    workspace,
    agentSocket,
    options: {
      cwd: workspace,
      env: spec.env,
      infoPipe: true,
      memoryMb: l.memoryMb,
      cpuSeconds: l.cpuSeconds,
      tree: namespaceTree,
    },
  };
}

const unique = (paths: string[]) => [...new Set(paths.map((p) => p.replace(/\/+$/, '') || '/'))];

/**
 * The sandbox's whole PID namespace as the process tree: bubblewrap reports the namespace's first
 * process on its info pipe; every process whose PID namespace is that one belongs to the run, however
 * it detached itself, and killing that first process ends the namespace and all in it.
 */
function namespaceTree(child: ChildProcess): ProcessTree {
  let first: number | undefined;
  let namespace: string | undefined;
  let info = '';
  const pipe = child.stdio[3] as NodeJS.ReadableStream | null | undefined;
  pipe?.setEncoding('utf8');
  pipe?.on('data', (chunk: string) => {
    info += chunk;
    try {
      const parsed = JSON.parse(info) as { 'child-pid'?: number };
      first = parsed['child-pid'];
      if (first !== undefined) namespace = readlinkSync(`/proc/${first}/ns/pid`);
    } catch {
      // not all of it yet
    }
  });
  const inNamespace = (p: ProcessInfo) => {
    try {
      return readlinkSync(`/proc/${p.pid}/ns/pid`) === namespace;
    } catch {
      return false;
    }
  };
  return {
    members: (table) => (namespace ? table.filter(inNamespace) : undefined),
    killAll() {
      if (first === undefined) return;
      try {
        process.kill(first, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

export interface UserSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** The run's own directory: its workspace becomes the agent user's. */
  runDir: string;
  limits: SandboxLimits;
}

/**
 * The command line that runs an agent as a user of its own (isolation `user`): prlimit, then setpriv
 * to a fresh user id with no groups and no capabilities. That user's processes are the tree: however
 * they detach, they are counted and killed by their user id.
 */
export function userCommand(spec: UserSpec): Sandbox {
  const uid = randomInt(200_000, 300_000);
  const workspace = join(spec.runDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  chownSync(workspace, uid, uid);
  chmodSync(workspace, 0o700);
  chmodSync(spec.runDir, 0o755);
  const l = spec.limits;
  return {
    command: 'prlimit',
    args: [
      `--nofile=${l.maxOpenFiles}`,
      `--nproc=${l.maxProcesses}`,
      `--fsize=${l.maxFileMb * 1024 * 1024}`,
      `--cpu=${l.cpuSeconds + 5}`,
      '--core=0',
      '--',
      'setpriv',
      `--reuid=${uid}`,
      `--regid=${uid}`,
      '--clear-groups',
      '--inh-caps=-all',
      '--',
      spec.command,
      ...spec.args,
    ],
    workspace,
    agentSocket: '',
    options: {
      cwd: workspace,
      env: spec.env,
      memoryMb: l.memoryMb,
      cpuSeconds: l.cpuSeconds,
      tree: () => userTree(uid),
    },
  };
}

/** Every process of one user id: the tree of an agent that has a user of its own. */
function userTree(uid: number): ProcessTree {
  const owned = (table: ProcessInfo[]) =>
    table.filter((p) => {
      try {
        return statSync(`/proc/${p.pid}`).uid === uid;
      } catch {
        return false;
      }
    });
  return {
    members: owned,
    killAll() {
      for (const p of owned(processTable())) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}
