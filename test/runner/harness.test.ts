import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { zipProject } from '../../lambdas/generate/zip.ts';
import { type RunEvent, RunJob, type RunJobInput } from '../../runner/events.ts';
import { type HarnessDeps, runJob, scrubbedEnv } from '../../runner/harness.ts';
import { offlineBackend } from '../../runner/offline-model.ts';
import { specWithTools } from '../generated/specs.ts';
import { generate, ROOT, scratchDir } from '../generated/workspace.ts';

// The harness itself, in-process, on real projects: generated ones and a small stand-in agent
// (below) whose behaviour each test picks, to drive the limits and failure paths.
const CACHE = join(ROOT, '.cache', 'runner');

/** A minimal agent honouring the runtime contract; `MODE` picks how it misbehaves. */
const STAND_IN_AGENT = `
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
const mode = process.env.MODE ?? 'ok';
if (mode === 'crash') {
  console.error('Invalid configuration: SLACK_BOT_TOKEN: set SLACK_BOT_TOKEN');
  process.exit(3);
}
console.log(JSON.stringify({ env: Object.keys(process.env).sort(), values: Object.values(process.env) }));
if (mode === 'probe') {
  const attempt = (what: () => unknown) => {
    try {
      what();
      return 'allowed';
    } catch (error) {
      return (error as { code?: string }).code ?? 'refused';
    }
  };
  console.log(JSON.stringify({
    probe: {
      environ: attempt(() => readFileSync('/proc/' + process.ppid + '/environ')),
      signal: attempt(() => process.kill(process.ppid, 0)),
      write: attempt(() => writeFileSync(process.env.OUTSIDE ?? '/nonexistent', 'x')),
    },
  }));
}
const hoard: Buffer[] = [];
createServer((req, res) => {
  if (req.url === '/ping') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'Healthy' }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const send = (event: unknown) => res.write('data: ' + JSON.stringify(event) + '\\n\\n');
  if (mode === 'memory') {
    setInterval(() => {
      hoard.push(Buffer.alloc(16_000_000, 1));
      send({ type: 'text', text: '.' });
    }, 20);
    return;
  }
  if (mode === 'flood') {
    const timer = setInterval(() => send({ type: 'text', text: 'y'.repeat(1000) }), 1);
    res.once('close', () => clearInterval(timer));
    return;
  }
  if (mode === 'slow') {
    const timer = setInterval(() => send({ type: 'text', text: 'tick ' }), 50);
    res.once('close', () => clearInterval(timer));
    return;
  }
  send({ type: 'text', text: 'hello' });
  send({ type: 'done', sessionId: 's', stopReason: 'endTurn', usage: { inputTokens: 3, outputTokens: 1 } });
  res.end();
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

const standIn = zipSync({
  'stand-in/package.json': strToU8(
    JSON.stringify({
      name: 'stand-in',
      type: 'module',
      devDependencies: { typescript: '^5.9.0', '@types/node': '^22.10.0' },
    }),
  ),
  'stand-in/tsconfig.build.json': strToU8(
    JSON.stringify({
      compilerOptions: {
        target: 'ES2023',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        outDir: 'dist',
        rootDir: 'src',
        types: ['node'],
        strict: true,
      },
      include: ['src'],
    }),
  ),
  'stand-in/src/index.ts': strToU8(STAND_IN_AGENT),
});

async function harness(
  job: Omit<RunJobInput, 'runId' | 'project'>,
  zip: Uint8Array,
  signal = new AbortController().signal,
  events: RunEvent[] = [],
  overrides: Partial<HarnessDeps> = {},
) {
  const deps: HarnessDeps = {
    cacheDir: CACHE,
    backend: offlineBackend(),
    toolEnv: scrubbedEnv(process.env),
    fetchProject: async () => zip,
    emit: (event) => {
      events.push(event);
    },
    ...overrides,
  };
  const result = await runJob(
    RunJob.parse({ runId: `t-${Math.random().toString(36).slice(2)}`, project: { zipPath: 'x' }, ...job }),
    deps,
    signal,
  );
  return { result, events };
}

describe('runner harness', () => {
  it("reports a failing build with the compiler's own message", async () => {
    const project = await generate(specWithTools('typescript', ['calculator']));
    const files = { ...project.files, 'src/broken.ts': "export const answer: number = 'forty-two';\n" };
    const { result, events } = await harness({ mode: 'build' }, zipProject(project.metadata.name, files));
    expect(result.status).toBe('build_failed');
    expect(result.reason).toContain('src/broken.ts');
    expect(result.reason).toContain('error TS2322');
    expect(events.filter((e) => e.type === 'log' && e.source === 'build').length).toBeGreaterThan(0);
    expect(events.at(-1)?.type).toBe('result');
  }, 600_000);

  it('fails a Python build fast where its dependencies cannot be installed, saying why', async () => {
    const project = await generate(specWithTools('python', ['calculator']));
    const { result } = await harness({ mode: 'build' }, zipProject(project.metadata.name, project.files));
    // This machine reaches npm and Debian only; PyPI refuses at once.
    expect(result.status).toBe('build_failed');
    expect(result.reason).toContain('pip install -r requirements.txt failed');
    expect(result.reason).toContain('PyPI');
  }, 120_000);

  it("starts the agent with none of the platform's environment, only the gateway as its model endpoint", async () => {
    process.env.AGENT_BUILDER_PROBE_SECRET = 'platform-only-value';
    try {
      const { result } = await harness({ mode: 'run', input: 'hi', env: { GREETING: 'hello' } }, standIn);
      expect(result.status, `${result.reason}\n${result.logs.join('\n')}`).toBe('succeeded');
      expect(result.output).toBe('hello');
      const line = result.logs.find((l) => l.startsWith('[agent] {"env"')) ?? '';
      const seen = JSON.parse(line.slice('[agent] '.length)) as { env: string[]; values: string[] };
      expect(seen.env).toEqual(
        expect.arrayContaining(['AWS_ENDPOINT_URL_BEDROCK_RUNTIME', 'PORT', 'GREETING']),
      );
      expect(seen.env).not.toContain('AGENT_BUILDER_PROBE_SECRET');
      expect(seen.env).not.toContain('AWS_SESSION_TOKEN');
      expect(seen.values).not.toContain('platform-only-value');
      expect(seen.values).toContain('test-run-no-credentials');
    } finally {
      delete process.env.AGENT_BUILDER_PROBE_SECRET;
    }
  }, 600_000);

  it('reports an agent that exits before it is healthy, with its last words', async () => {
    const { result } = await harness({ mode: 'run', input: 'hi', env: { MODE: 'crash' } }, standIn);
    expect(result.status).toBe('failed');
    expect(result.reason).toContain('exited before it was healthy (exit code 3)');
    expect(result.reason).toContain('Invalid configuration: SLACK_BOT_TOKEN');
  }, 120_000);

  it('stops an agent over its memory limit', async () => {
    const { result } = await harness(
      { mode: 'run', input: 'hi', env: { MODE: 'memory' }, limits: { memoryMb: 256 } },
      standIn,
    );
    expect(result.status).toBe('memory_limit');
    expect(result.reason).toBe('the agent used more than 256 MiB of memory and was stopped');
  }, 120_000);

  it('stops a run over its output limit', async () => {
    const { result, events } = await harness(
      { mode: 'run', input: 'hi', env: { MODE: 'flood' }, limits: { maxOutputBytes: 20_000 } },
      standIn,
    );
    expect(result.status).toBe('output_limit');
    const streamed = events.filter((e) => e.type === 'text').length;
    expect(streamed).toBeLessThan(25);
  }, 120_000);

  it('cancels a run and still reports its result', async () => {
    const abort = new AbortController();
    const events: RunEvent[] = [];
    const running = harness(
      { mode: 'run', input: 'hi', env: { MODE: 'slow' } },
      standIn,
      abort.signal,
      events,
    );
    const streaming = setInterval(() => {
      if (events.filter((e) => e.type === 'text').length >= 3) abort.abort();
    }, 20);
    const { result } = await running;
    clearInterval(streaming);
    expect(result.status).toBe('cancelled');
    expect(result.output).toContain('tick');
  }, 120_000);

  it('shares installed dependencies through the remote cache, so a runner with an empty disk restores them', async () => {
    const shared = new Map<string, Uint8Array>();
    const remoteCache = {
      get: async (key: string) => shared.get(key),
      put: async (key: string, body: Uint8Array) => {
        shared.set(key, body);
      },
    };
    const first = await harness({ mode: 'build' }, standIn, undefined, [], {
      cacheDir: scratchDir('cache-a'),
      remoteCache,
    });
    expect(first.result.status).toBe('succeeded');
    expect(first.result.logs).toContain('[install] dependencies: from the registry (npm install)');
    expect([...shared.keys()]).toEqual([expect.stringMatching(/^runner-cache\/npm\/\w+\.tar\.gz$/)]);
    const second = await harness({ mode: 'run', input: 'hi' }, standIn, undefined, [], {
      cacheDir: scratchDir('cache-b'),
      remoteCache,
    });
    expect(second.result.logs).toContain('[install] dependencies: from the remote cache');
    expect(second.result, `${second.result.reason}\n${second.result.logs.join('\n')}`).toMatchObject({
      status: 'succeeded',
      output: 'hello',
    });
  }, 300_000);

  it.runIf(process.getuid?.() === 0)(
    'runs the agent as a user of its own where namespaces are not allowed: it cannot read or signal the runner, nor write its files',
    async () => {
      const outside = join(scratchDir('own-user'), 'runner-file');
      const { result } = await harness(
        { mode: 'run', input: 'hi', env: { MODE: 'probe', OUTSIDE: outside } },
        standIn,
        undefined,
        [],
        { isolation: { kind: 'user', detail: 'a user of its own', reason: 'no namespaces in this test' } },
      );
      expect(result.status, `${result.reason}\n${result.logs.join('\n')}`).toBe('succeeded');
      const line = result.logs.find((l) => l.startsWith('[agent] {"probe"')) ?? '';
      const { probe } = JSON.parse(line.slice('[agent] '.length)) as { probe: Record<string, string> };
      expect(probe).toEqual({ environ: 'EACCES', signal: 'EPERM', write: 'EACCES' });
    },
    120_000,
  );

  it('keeps secrets and platform settings out of the environment npm and tsc see', () => {
    const env = scrubbedEnv({
      PATH: '/usr/bin',
      HOME: '/root',
      AWS_ACCESS_KEY_ID: 'a',
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/creds',
      OPENAI_COMPATIBLE_API_KEY: 'k',
      GITHUB_TOKEN: 't',
      TABLE_NAME: 'agent-builder',
      JWT_SECRET: 's',
      npm_config_registry: 'https://registry.example',
    });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/root', npm_config_registry: 'https://registry.example' });
  });
});
