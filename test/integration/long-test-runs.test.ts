import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../../lambdas/local/platform.ts';
import { startScriptedOpenAi } from '../scripted-openai.ts';
import { contractClient, follow } from './contract-client.ts';

// A build and a run that each take longer than API Gateway's 30 s still succeed through the API: the
// POST answers 202 at once and the work goes on in the runner. The slowness is real and set here: npm
// installs through a registry proxy that holds its first request for 31 s, and the model behind the
// gateway is an OpenAI-compatible stand-in that thinks for 31 s before it answers.
const HOLD_MS = 31_000;
const UPSTREAM = (process.env.npm_config_registry ?? 'https://registry.npmjs.org/').replace(/\/?$/, '/');

let platform: RunningPlatform;
let registry: Server;
let model: Awaited<ReturnType<typeof startScriptedOpenAi>>;
let cacheDir = '';
const saved = { ...process.env };
const call = contractClient(() => platform.url);

/** A registry proxy that forwards to the real registry, holding every request until `HOLD_MS` after the first. */
async function slowRegistry(): Promise<{ server: Server; url: string; requests: () => number }> {
  let releaseAt: number | undefined;
  let requests = 0;
  const server = createServer(async (req, res) => {
    requests += 1;
    releaseAt ??= Date.now() + HOLD_MS;
    const wait = Math.max(0, releaseAt - Date.now());
    await new Promise((resolve) => setTimeout(resolve, wait));
    try {
      const headers: Record<string, string> = {};
      for (const name of ['accept', 'if-none-match', 'if-modified-since', 'npm-command', 'user-agent']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const upstream = await fetch(new URL((req.url ?? '/').replace(/^\//, ''), UPSTREAM), { headers });
      const body = Buffer.from(await upstream.arrayBuffer());
      const out: Record<string, string> = {};
      for (const name of ['content-type', 'etag', 'last-modified', 'cache-control'])
        if (upstream.headers.get(name)) out[name] = upstream.headers.get(name) as string;
      res.writeHead(upstream.status, out).end(body);
    } catch (error) {
      res.writeHead(502).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests: () => requests,
  };
}

let registryRequests: () => number = () => 0;

beforeAll(async () => {
  const slow = await slowRegistry();
  registry = slow.server;
  registryRequests = slow.requests;
  model = await startScriptedOpenAi(() => ({ text: 'A considered answer, after a long think.' }), {
    delayMs: (_request, index) => (index === 0 ? HOLD_MS : 0),
  });
  // The runner's npm reads these (the platform hands npm_config_* on); an empty runner cache makes
  // the install real, and prefer-online makes npm ask the registry even for packages it has seen.
  process.env.npm_config_registry = slow.url;
  process.env.npm_config_prefer_online = 'true';
  process.env.OPENAI_COMPATIBLE_BASE_URL = model.baseUrl;
  process.env.OPENAI_COMPATIBLE_MODEL = 'slow-thinker';
  cacheDir = mkdtempSync(join(tmpdir(), 'long-runs-cache-'));
  platform = await startPlatform({ port: 0, testModel: 'openai-compatible', runnerCacheDir: cacheDir });
}, 120_000);

afterAll(async () => {
  process.env = saved;
  await platform?.close();
  await model?.close();
  await new Promise<void>((resolve) => (registry ? registry.close(() => resolve()) : resolve()));
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('builds and runs longer than 30 s', () => {
  let buildId = '';

  it('builds through the API: 202 at once, phases and npm progress while it goes, READY after 30+ s', async () => {
    const generated = await call('POST', '/api/code-generation/generate', {
      body: {
        spec: {
          name: 'Patient agent',
          description: 'Answers after a long think',
          language: 'typescript',
          model: 'amazon.nova-lite-v1:0',
          systemPrompt: 'Answer briefly.',
          tools: [],
        },
      },
    });
    expect(generated.status, JSON.stringify(generated.body)).toBe(201);
    const asked = Date.now();
    const build = await call('POST', '/api/testing/build', { body: { generationId: generated.body.id } });
    expect(build.status, JSON.stringify(build.body)).toBe(202);
    expect(Date.now() - asked).toBeLessThan(HOLD_MS);
    buildId = build.body.id;
    const done = await follow(call, `/api/testing/builds/${buildId}`, { everyMs: 1_000 });
    expect(done.body.status, JSON.stringify(done.body.reason)).toBe('READY');
    expect(Date.parse(done.body.finishedAt) - Date.parse(done.body.createdAt)).toBeGreaterThan(30_000);
    expect(registryRequests()).toBeGreaterThan(0);
    // While it was held, a reader by GET saw it installing, its elapsed time growing.
    const installing = done.seen.filter((b) => b.progress?.phase === 'installing');
    expect(installing.length).toBeGreaterThan(1);
    const elapsed = installing.map((b) => b.progress.elapsedMs as number);
    expect(Math.max(...elapsed)).toBeGreaterThan(Math.min(...elapsed));
    expect(done.seen.some((b) => (b.progress?.packagesFetched ?? 0) > 0)).toBe(true);
  }, 900_000);

  it('runs through the API: 202 at once, the answer after 30+ s', async () => {
    const asked = Date.now();
    const run = await call('POST', '/api/testing/run', { body: { buildId, input: 'Take your time.' } });
    expect(run.status, JSON.stringify(run.body)).toBe(202);
    expect(run.body.status).toBe('RUNNING');
    expect(Date.now() - asked).toBeLessThan(HOLD_MS);
    const done = await follow(call, `/api/testing/runs/${run.body.id}`, { everyMs: 1_000 });
    expect(done.body.status, JSON.stringify(done.body.reason)).toBe('succeeded');
    expect(done.body.output).toContain('A considered answer');
    expect(done.body.metrics.totalLatencyMs).toBeGreaterThan(30_000);
    expect(done.seen.some((b) => b.progress?.phase === 'invoking')).toBe(true);
  }, 300_000);
});
