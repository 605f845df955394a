import { createHash, randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { unzipSync } from 'fflate';
import { type ChildOptions, type Exit, runToEnd } from './process.ts';

export type Language = 'typescript' | 'python';
export type Provider = 'bedrock' | 'ollama' | 'openai' | 'anthropic';

/** A step that failed for a reason the builder can act on (a compiler error, an unreachable registry). */
export class StepError extends Error {
  constructor(
    readonly status: 'build_failed' | 'failed' | 'timeout' | 'cancelled',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Writes a project zip into `dir`, refusing entries that would land outside it. The generator puts
 * every file under one top-level folder; that folder is dropped, so `dir` is the project root.
 */
export function unpack(zip: Uint8Array, dir: string): void {
  const entries = Object.entries(unzipSync(zip)).filter(([name]) => !name.endsWith('/'));
  const first = (name: string) => name.split('/')[0] ?? '';
  const top =
    entries[0] &&
    entries.every(([name]) => name.includes('/') && first(name) === first(entries[0]?.[0] ?? ''))
      ? `${first(entries[0][0])}/`
      : '';
  for (const [name, content] of entries) {
    const path = normalize(name.slice(top.length));
    if (isAbsolute(path) || path.startsWith('..') || path.includes('\0'))
      throw new StepError('failed', `the project zip holds an unsafe path: ${JSON.stringify(name)}`);
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

export function detectLanguage(dir: string): Language {
  if (existsSync(join(dir, 'package.json'))) return 'typescript';
  if (existsSync(join(dir, 'requirements.txt'))) return 'python';
  throw new StepError(
    'failed',
    'the project has neither package.json nor requirements.txt; is it a generated agent?',
  );
}

/** The project's `.env.example`: every setting it reads, by name (empty when it has none). */
const envExample = (dir: string) =>
  existsSync(join(dir, '.env.example')) ? readFileSync(join(dir, '.env.example'), 'utf8') : '';

/** The model provider the generated project is written for, from its `.env.example` settings. */
export function detectProvider(dir: string): Provider {
  return providerOf(envExample(dir));
}

/** The model provider a `.env.example` text is written for. */
export function providerOf(example: string): Provider {
  if (/^OLLAMA_HOST=/m.test(example)) return 'ollama';
  if (/OPENAI_API_KEY/.test(example)) return 'openai';
  if (/ANTHROPIC_API_KEY/.test(example)) return 'anthropic';
  return 'bedrock';
}

/** The registry ids of the project's tools: from its tool list (TypeScript) or its tool modules (Python). */
export function projectToolIds(dir: string): string[] {
  const index = join(dir, 'src', 'tools', 'index.ts');
  if (existsSync(index)) {
    return [...readFileSync(index, 'utf8').matchAll(/\{\s*id:\s*"([a-z0-9_]+)"/g)].flatMap((m) =>
      m[1] ? [m[1]] : [],
    );
  }
  const tools = join(dir, 'app', 'tools');
  if (!existsSync(tools)) return [];
  return readdirSync(tools)
    .filter((name) => name.endsWith('.py') && !['__init__.py', 'settings.py'].includes(name))
    .map((name) => name.slice(0, -3));
}

/**
 * The hosts the project's http_request tool may call (its `allowedDomains`, from the generated tool
 * settings): the only hosts the sandbox lets the agent reach besides the model gateway.
 */
export function projectAllowedHosts(dir: string): string[] {
  const settings = [join(dir, 'src', 'tools', 'settings.ts'), join(dir, 'app', 'tools', 'settings.py')].find(
    (file) => existsSync(file),
  );
  if (!settings) return [];
  const list = /"?allowedDomains"?:\s*(\[[^\]]*\])/.exec(readFileSync(settings, 'utf8'))?.[1];
  if (!list) return [];
  try {
    const hosts = JSON.parse(list) as unknown;
    return Array.isArray(hosts)
      ? hosts
          .filter((h): h is string => typeof h === 'string' && /^[a-z0-9.-]{1,253}$/i.test(h))
          .map((h) => h.toLowerCase())
      : [];
  } catch {
    return [];
  }
}

/** The project's default AWS Region (from `.env.example`), for the agent's environment. */
export function projectRegion(dir: string): string {
  return /^AWS_REGION=(.+)$/m.exec(envExample(dir))?.[1]?.trim() || 'us-east-1';
}

const hash = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 20);

/** Moves a finished directory into the cache; when another run got there first, keeps theirs. */
function publish(tmp: string, target: string): void {
  try {
    renameSync(tmp, target);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A cache shared by every runner (S3 in AWS, where each Fargate task starts with an empty disk). */
export interface RemoteCache {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
}

export interface StepContext {
  cacheDir: string;
  remoteCache?: RemoteCache;
  /** Environment for package managers: the harness's own, less anything secret. */
  env: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
  onLine: ChildOptions['onLine'];
}

/** Runs one command of a step within the step's limits; its lines go to the log and to `output`. */
function runStep(context: StepContext, command: string, args: string[], cwd: string, output: string[]) {
  return runToEnd(command, args, {
    cwd,
    env: context.env,
    timeoutMs: context.timeoutMs,
    signal: context.signal,
    onLine: (stream, line) => {
      output.push(line);
      context.onLine?.(stream, line);
    },
  });
}

function failIfStopped(exit: Exit, what: string, timeoutMs: number): void {
  if (exit.stoppedFor === 'timeout')
    throw new StepError('timeout', `${what} did not finish within ${Math.round(timeoutMs / 1000)} s`);
  if (exit.stoppedFor === 'cancelled') throw new StepError('cancelled', `${what} was cancelled`);
}

/**
 * Installs a TypeScript project's dependencies once per distinct package set (cached under
 * `cacheDir/npm/<hash>`, install scripts off) and links them as the project's node_modules. With a
 * remote cache, a set installed by any runner is restored from its archive instead of installed again.
 * Says where the dependencies came from.
 */
export async function installNpm(
  dir: string,
  context: StepContext,
): Promise<'cache' | 'remote cache' | 'npm install'> {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const manifest = {
    name: 'agent-deps',
    private: true,
    type: 'module',
    dependencies: pkg.dependencies ?? {},
    devDependencies: pkg.devDependencies ?? {},
  };
  const digest = hash(manifest);
  const target = join(context.cacheDir, 'npm', digest);
  const remoteKey = `runner-cache/npm/${digest}.tar.gz`;
  let source: 'cache' | 'remote cache' | 'npm install' = 'cache';
  if (!existsSync(join(target, 'node_modules', '.package-lock.json'))) {
    const tmp = `${target}.tmp-${randomUUID()}`;
    mkdirSync(tmp, { recursive: true });
    const output: string[] = [];
    const step = (command: string, args: string[], cwd: string) =>
      runStep(context, command, args, cwd, output);
    const archive = `${tmp}.tar.gz`;
    const archived = await context.remoteCache?.get(remoteKey).catch(() => undefined);
    if (archived) {
      writeFileSync(archive, archived);
      const exit = await step('tar', ['-xzf', archive, '-C', tmp], tmp);
      rmSync(archive, { force: true });
      if (exit.code === 0 && existsSync(join(tmp, 'node_modules', '.package-lock.json')))
        source = 'remote cache';
      else rmSync(join(tmp, 'node_modules'), { recursive: true, force: true }); // install afresh below
      failIfStopped(exit, 'restoring the dependencies', context.timeoutMs);
    }
    if (source !== 'remote cache') {
      source = 'npm install';
      writeFileSync(join(tmp, 'package.json'), JSON.stringify(manifest, null, 2));
      const exit = await step(
        'npm',
        // `http` level: npm's own line per fetched package, the install's progress as it goes.
        ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=http'],
        tmp,
      );
      if (exit.stoppedFor) rmSync(tmp, { recursive: true, force: true });
      failIfStopped(exit, 'npm install', context.timeoutMs);
      if (exit.code !== 0) {
        rmSync(tmp, { recursive: true, force: true });
        throw new StepError(
          'build_failed',
          `npm install failed (exit ${exit.code}):\n${
            output
              .filter((line) => !line.startsWith('npm http'))
              .slice(-20)
              .join('\n') || 'no output'
          }`,
        );
      }
      if (context.remoteCache) {
        // Shared for the next runner; a failure here costs only a later reinstall.
        const packed = await step('tar', ['-czf', archive, '-C', tmp, 'package.json', 'node_modules'], tmp);
        if (packed.code === 0) {
          await context.remoteCache
            .put(remoteKey, readFileSync(archive), 'application/gzip')
            .catch((error: unknown) =>
              context.onLine?.('stderr', `could not share the dependencies: ${String(error)}`),
            );
        }
        rmSync(archive, { force: true });
      }
    }
    publish(tmp, target);
  }
  symlinkSync(join(target, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return source;
}

/**
 * Installs a Python project's requirements into a virtual environment, once per requirements file
 * (cached under `cacheDir/python/<hash>`). Where PyPI cannot be reached this fails at once with pip's
 * own message rather than hanging.
 */
export async function installPython(
  dir: string,
  context: StepContext,
): Promise<{ hit: boolean; python: string }> {
  const requirements = readFileSync(join(dir, 'requirements.txt'), 'utf8');
  const target = join(context.cacheDir, 'python', hash(requirements));
  const python = join(target, 'bin', 'python');
  if (existsSync(join(target, '.installed'))) return { hit: true, python };
  const tmp = `${target}.tmp-${randomUUID()}`;
  const output: string[] = [];
  const step = async (command: string, args: string[], what: string) => {
    const exit = await runStep(context, command, args, dir, output);
    failIfStopped(exit, what, context.timeoutMs);
    if (exit.code !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      throw new StepError(
        'build_failed',
        `${what} failed (exit ${exit.code}): ${output.slice(-12).join('\n') || 'no output'}\nPython agents are test-run where their dependencies can be installed from PyPI: in the platform's Fargate runner, or on a machine that reaches PyPI.`,
      );
    }
  };
  await step('python3', ['-m', 'venv', tmp], 'creating the Python virtual environment');
  await step(
    join(tmp, 'bin', 'pip'),
    [
      'install',
      '--disable-pip-version-check',
      '--no-input',
      '--timeout',
      '15',
      '--retries',
      '1',
      '-r',
      join(dir, 'requirements.txt'),
    ],
    'pip install -r requirements.txt',
  );
  writeFileSync(join(tmp, '.installed'), new Date().toISOString());
  publish(tmp, target);
  return { hit: false, python };
}

/** Compiles the project: `tsc -p tsconfig.build.json`, or byte-compiles the Python app. */
export async function build(
  dir: string,
  language: Language,
  context: StepContext & { python?: string; node: string },
): Promise<void> {
  const output: string[] = [];
  const [command, args, what] =
    language === 'typescript'
      ? [
          context.node,
          [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
          'tsc',
        ]
      : [context.python ?? 'python3', ['-m', 'compileall', '-q', 'app'], 'python -m compileall'];
  const exit = await runStep(context, command, args, dir, output);
  failIfStopped(exit, what, context.timeoutMs);
  if (exit.code !== 0) {
    const errors = output.filter((line) => /error/i.test(line)).length;
    throw new StepError(
      'build_failed',
      `the build failed: ${what} reported ${errors || 'some'} error${errors === 1 ? '' : 's'}:\n${output.slice(0, 40).join('\n')}`,
    );
  }
}
