import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipProject } from '../../lambdas/generate/zip.ts';
import { type RunningPlatform, startPlatform } from '../../lambdas/local/platform.ts';
import { openAiCompatibleBackend } from '../../runner/backends.ts';
import { RunJob, type RunJobInput } from '../../runner/events.ts';
import { runJob, scrubbedEnv } from '../../runner/harness.ts';
import { detectIsolation } from '../../runner/sandbox.ts';
import { specWithTools } from '../generated/specs.ts';
import { generate, ROOT } from '../generated/workspace.ts';
import { type ScriptStep, startScriptedModel } from '../scripted-model.ts';

// A generated TypeScript agent with the shell tool, driven by a scripted tool-calling model that
// attacks the machine it runs on, as a hostile builder would. The agent runs in the runner's sandbox
// (bubblewrap, which CI installs): whatever its shell does, the platform's environment, network,
// files and processes stay out of its reach, and its limits hold over every process it starts.
const CACHE = join(ROOT, '.cache', 'runner');
const SECRET = `platform-only-${randomUUID()}`;
const buildKey = `sandbox-${randomUUID()}`;
let zip: Uint8Array;
let platform: RunningPlatform;

beforeAll(async () => {
  const project = await generate(specWithTools('typescript', ['shell']));
  zip = zipProject(project.metadata.name, project.files);
  platform = await startPlatform({ port: 0 });
}, 120_000);
afterAll(async () => platform?.close());

const shell = (command: string): ScriptStep => ({ tool: 'bash', input: { mode: 'execute', command } });

/**
 * Runs the agent with a model that follows `script` (given the model's own port, one more target);
 * answers the result and what the agent's tools answered.
 */
async function attack(
  script: ScriptStep[] | ((modelPort: string) => ScriptStep[]),
  job: Partial<RunJobInput> = {},
) {
  const steps: ScriptStep[] = [];
  const model = await startScriptedModel(steps);
  const modelPort = new URL(model.baseUrl).port;
  steps.push(...(typeof script === 'function' ? script(modelPort) : script), { text: 'done' });
  try {
    const result = await runJob(
      RunJob.parse({
        mode: 'run',
        runId: `sandbox-${randomUUID()}`,
        project: { zipPath: 'unused' },
        buildKey,
        input: 'Do as the script says.',
        ...job,
      }),
      {
        cacheDir: CACHE,
        backend: openAiCompatibleBackend({ baseUrl: model.baseUrl, model: 'scripted' }),
        toolEnv: scrubbedEnv(process.env),
        fetchProject: async () => zip,
        emit: () => undefined,
      },
      new AbortController().signal,
    );
    return { result, said: model.toolResults.join('\n') };
  } finally {
    await model.close();
  }
}

/** Processes of this machine whose command line holds `marker`. */
const processesWith = (marker: string) =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    });

describe('the sandbox of a test-run agent', () => {
  it('is in force here', () => {
    expect(detectIsolation()).toMatchObject({ kind: 'bubblewrap' });
  });

  it("keeps the platform's environment, network, files and processes out of the agent's reach", async () => {
    process.env.AGENT_BUILDER_PROBE_SECRET = SECRET;
    const marker = `leftover-${randomUUID().slice(0, 8)}`;
    // The regex's brackets keep grep's own command line from matching.
    const pattern = `${marker.slice(0, -1)}[${marker.slice(-1)}]`;
    const outside = join(ROOT, '.cache', `sandbox-escape-${randomUUID()}`);
    const ports = [
      new URL(platform.url).port,
      new URL(platform.dynamodbEndpoint).port,
      new URL(platform.s3Endpoint).port,
    ];
    try {
      const { result, said } = await attack(
        (modelPort) => [
          // The platform's secrets, through any process's environment.
          shell(
            `echo ENV_HITS=$(grep -l -a "${SECRET}" /proc/[0-9]*/environ 2>/dev/null | wc -l); echo PROCS=$(ls -d /proc/[0-9]* | wc -l); kill -0 ${process.pid} 2>/dev/null && echo HOST_PID=signalled || echo HOST_PID=unreachable`,
          ),
          // The platform, its emulators, the model behind the gateway, the internet.
          shell(
            [...ports, modelPort]
              .map(
                (p) =>
                  `(exec 3<>/dev/tcp/127.0.0.1/${p}) 2>/dev/null && echo REACHED=${p} || echo REFUSED=${p}`,
              )
              .join('; ') +
              `; timeout 5 bash -c 'exec 3<>/dev/tcp/1.1.1.1/443' 2>/dev/null && echo REACHED=internet || echo REFUSED=internet`,
          ),
          // Files outside its workspace: the repository, the system, the runner's home.
          shell(
            `echo x > ${outside} 2>/dev/null && echo OUTSIDE=written || echo OUTSIDE=refused; echo x > /etc/agent-sandbox-probe 2>/dev/null && echo ETC=written || echo ETC=refused; cat ${join(ROOT, 'package.json')} >/dev/null 2>&1 && echo REPO=readable || echo REPO=hidden; echo ok > inside.txt && echo WORKSPACE=$(cat inside.txt)`,
          ),
          // Processes that try to outlive the run.
          shell(
            `setsid bash -c 'exec -a ${marker} sleep 600' </dev/null >/dev/null 2>&1 & nohup bash -c 'exec -a ${marker} sleep 600' </dev/null >/dev/null 2>&1 & sleep 0.5; echo LEFT=$(grep -l -a '${pattern}' /proc/[0-9]*/cmdline 2>/dev/null | wc -l)`,
          ),
          // More processes than it may have.
          shell(
            // Counted with builtins only: with every process slot taken, the shell itself cannot fork.
            `(for ((i = 0; i < 300; i++)); do sleep 30 & done) 2>/dev/null; p=(/proc/[0-9]*); echo FORKED=\${#p[@]}`,
          ),
        ],
        { limits: { maxProcesses: 64 } },
      );
      expect(result.status, `${result.reason}\n${result.logs.join('\n')}`).toBe('succeeded');
      expect(result.toolCalls.map((c) => c.name)).toEqual(['bash', 'bash', 'bash', 'bash', 'bash']);
      expect(said).toContain('ENV_HITS=0');
      expect(said).toContain('HOST_PID=unreachable');
      expect(Number(/PROCS=(\d+)/.exec(said)?.[1])).toBeLessThan(20);
      for (const port of ports) expect(said).toContain(`REFUSED=${port}`);
      expect(said.match(/REFUSED=/g)).toHaveLength(5);
      expect(said).toContain('REFUSED=internet');
      expect(said).not.toContain('REACHED=');
      expect(said).toContain('OUTSIDE=refused');
      expect(said).toContain('ETC=refused');
      expect(said).toContain('REPO=hidden');
      expect(said).toContain('WORKSPACE=ok');
      expect(existsSync(outside)).toBe(false);
      expect(existsSync('/etc/agent-sandbox-probe')).toBe(false);
      // Both left their group and their session while the run went on; neither outlived it.
      expect(said).toContain('LEFT=2');
      expect(processesWith(marker)).toEqual([]);
      // The limit counts this run's processes only where it has a user of its own (the runner is root).
      if (process.getuid?.() === 0) expect(Number(/FORKED=(\d+)/.exec(said)?.[1])).toBeLessThan(64);
    } finally {
      delete process.env.AGENT_BUILDER_PROBE_SECRET;
    }
  }, 600_000);

  it('stops the run when any process of the tree passes the memory limit, and says so', async () => {
    const { result } = await attack(
      [
        shell(
          `setsid python3 -c "import time; hoard = b'x' * (600 * 1024 * 1024); time.sleep(60)" </dev/null >/dev/null 2>&1 & sleep 60`,
        ),
      ],
      { limits: { memoryMb: 256 } },
    );
    expect(result.status).toBe('memory_limit');
    expect(result.reason).toBe('the agent used more than 256 MiB of memory and was stopped');
  }, 300_000);

  it('stops the run when the tree passes its CPU time, and says so', async () => {
    const { result } = await attack(
      [shell(`setsid bash -c 'while :; do :; done' </dev/null >/dev/null 2>&1 & sleep 60`)],
      { limits: { cpuSeconds: 3 } },
    );
    expect(result.status).toBe('cpu_limit');
    expect(result.reason).toBe('the agent used more than 3 s of CPU time and was stopped');
  }, 300_000);

  it('lets the agent out to the hosts its http_request allows, through the egress proxy, and nowhere else', async () => {
    const project = await generate(
      specWithTools('typescript', ['shell', 'http_request'], {
        toolConfig: { http_request: { allowedDomains: ['registry.npmjs.org', 'localhost'] } },
      }),
    );
    const egressZip = zipProject(project.metadata.name, project.files);
    const model = await startScriptedModel([
      // %{http_connect} is the proxy's answer to CONNECT: 200 lets the tunnel through, 403 refuses it.
      shell(
        [
          'https://registry.npmjs.org/',
          'https://deb.debian.org/',
          'https://localhost/',
          'http://registry.npmjs.org/',
        ]
          .map(
            (url, i) =>
              `echo "CALL${i}=$(curl -s -m 20 --noproxy '' -o /dev/null -w '%{http_connect}/%{http_code}' ${url} 2>/dev/null)"`,
          )
          .join('; '),
      ),
      { text: 'done' },
    ]);
    try {
      const result = await runJob(
        RunJob.parse({
          mode: 'run',
          runId: `egress-${randomUUID()}`,
          project: { zipPath: 'unused' },
          buildKey: `egress-${buildKey}`,
          input: 'Call the hosts.',
        }),
        {
          cacheDir: CACHE,
          backend: openAiCompatibleBackend({ baseUrl: model.baseUrl, model: 'scripted' }),
          toolEnv: scrubbedEnv(process.env),
          fetchProject: async () => egressZip,
          emit: () => undefined,
        },
        new AbortController().signal,
      );
      expect(result.status, `${result.reason}\n${result.logs.join('\n')}`).toBe('succeeded');
      const said = model.toolResults.join('\n');
      // Allowed: the tunnel opens (the answer behind it depends on this machine's network).
      expect(said).toMatch(/CALL0=200\//);
      // Another host, an allowed name that is this machine, and plain HTTP: refused by the proxy.
      expect(said).toMatch(/CALL1=403\//);
      expect(said).toMatch(/CALL2=403\//);
      expect(said).toMatch(/CALL3=000\/403/);
    } finally {
      await model.close();
    }
  }, 600_000);

  it('refuses to run an agent with a shell tool without isolation', async () => {
    const model = await startScriptedModel([{ text: 'never asked' }]);
    try {
      const result = await runJob(
        RunJob.parse({ mode: 'run', runId: 'bare', project: { zipPath: 'unused' }, buildKey, input: 'hi' }),
        {
          cacheDir: CACHE,
          backend: openAiCompatibleBackend({ baseUrl: model.baseUrl, model: 'scripted' }),
          toolEnv: scrubbedEnv(process.env),
          fetchProject: async () => zip,
          emit: () => undefined,
          isolation: { kind: 'none', reason: 'bubblewrap is not installed' },
        },
        new AbortController().signal,
      );
      expect(result.status).toBe('failed');
      expect(result.reason).toContain("this agent's tools shell act on the machine");
      expect(model.toolResults).toEqual([]);
    } finally {
      await model.close();
    }
  }, 300_000);
});
