/**
 * The local API's figures: load at 50 connections with autocannon (a separate process, so the load
 * generator does not share the server's event loop) beside a bare `node:http` server's figure as the
 * ceiling, and generations through the whole workflow, one at a time and 20 at once. Loopback only;
 * every run is bounded in time.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { RunningPlatform } from '../lambdas/local/platform.ts';

const CLIENT = fileURLToPath(new URL('./load-client.mjs', import.meta.url));

export interface LoadResult {
  'req/s': number;
  'p50 ms': number;
  'p99 ms': number;
  non2xx: number;
  errors: number;
}

/**
 * autocannon against `url` for `seconds` at `connections`, in a child process; its mean req/s.
 * `vary` makes every body different (each `__N__` in it becomes a new number).
 */
export async function load(
  url: string,
  options: { connections?: number; seconds?: number; method?: string; body?: string; vary?: boolean } = {},
): Promise<LoadResult> {
  const args = [
    CLIENT,
    JSON.stringify({
      ...options,
      url,
      connections: options.connections ?? 50,
      seconds: options.seconds ?? 5,
    }),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`autocannon exited ${code}`);
  const result = JSON.parse(out) as {
    requests: { average: number; p50: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
  };
  return {
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** The ceiling on this machine: a bare node:http server answering a fixed JSON body, under the same load. */
export async function bareHttpCeiling(body: string, seconds = 5): Promise<LoadResult> {
  const server = createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await load(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { seconds });
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** Generations through the API (HTTP → validate → render ∥ cost → package → record), each a cache miss. */
export async function generations(
  platform: Pick<RunningPlatform, 'url'>,
  spec: Record<string, unknown>,
  runs = 20,
): Promise<{ one: number[]; concurrentMs: number; concurrent: number[]; failures: string[] }> {
  let n = 0;
  const generate = async () => {
    const started = performance.now();
    const response = await fetch(
      `${platform.url.replace('localhost', '127.0.0.1')}/api/code-generation/generate`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ spec: { ...spec, name: `bench ${process.pid} ${Date.now()} ${n++}` } }),
      },
    );
    const body = (await response.json()) as { status?: string };
    if (response.status !== 201 || body.status !== 'SUCCEEDED')
      throw new Error(`generation: HTTP ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
    return performance.now() - started;
  };
  await generate(); // warm: first use of each handler builds its dependencies
  const one: number[] = [];
  for (let i = 0; i < runs; i++) one.push(await generate());
  const started = performance.now();
  const failures: string[] = [];
  const concurrent = await Promise.all(
    Array.from({ length: runs }, () =>
      generate().catch((error: Error) => {
        failures.push(error.message);
        return Number.NaN;
      }),
    ),
  );
  return { one, concurrentMs: performance.now() - started, concurrent, failures };
}

export { median };
