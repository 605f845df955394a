/**
 * Start-up figures, each a whole process as a user runs it: the `agent-builder` executable (the
 * prebuilt bundle) against a bare `node -e 0`, and `npm start` until /api/health answers. Medians of
 * several runs: the machine is shared, so single runs are noise.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './api.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'agent-builder.js');

function timeProcess(args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(performance.now() - started);
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return median(times);
}

export function cliStartup(runs = 7): void {
  const out = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  try {
    timeProcess([BIN, '--help'], 1); // builds the bundle if a source changed, and fills the compile cache
    const bare = timeProcess(['-e', '0'], runs);
    const help = timeProcess([BIN, '--help'], runs);
    const generate = timeProcess(
      [BIN, 'generate', '--spec', join(ROOT, 'examples', 'support-triage.yaml'), '--out', out, '--force'],
      runs,
    );
    console.log(
      `\nCLI start-up (the agent-builder executable, prebuilt bundle; median of ${runs} processes)`,
    );
    console.table([
      { command: 'node -e 0 (baseline)', 'median ms': bare.toFixed(0), ratio: '1.0×', target: '' },
      {
        command: 'agent-builder --help',
        'median ms': help.toFixed(0),
        ratio: `${(help / bare).toFixed(1)}×`,
        target: '≤ 3× node',
      },
      {
        command: 'agent-builder generate (example spec)',
        'median ms': generate.toFixed(0),
        ratio: `${(generate / bare).toFixed(1)}×`,
        target: '≤ 4× node',
      },
    ]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** `npm start` on a fresh data directory until GET /api/health answers 200 (the web app already built). */
export async function startToHealthy(runs = 3): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const port = await freePort();
    const data = mkdtempSync(join(tmpdir(), 'bench-start-'));
    const started = performance.now();
    const child = spawn('npm', ['start', '--silent', '--', '--port', String(port), '--data', data], {
      cwd: ROOT,
      stdio: 'ignore',
      detached: true,
    });
    try {
      for (;;) {
        const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        if (performance.now() - started > 60_000) throw new Error('npm start: not healthy within 60 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      times.push(performance.now() - started);
    } finally {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
      rmSync(data, { recursive: true, force: true });
    }
  }
  console.log(
    `\nnpm start → GET /api/health 200 (median of ${runs}): ${median(times).toFixed(0)} ms (target ≤ 3,000 ms; runs: ${times.map((t) => t.toFixed(0)).join(', ')} ms)`,
  );
}
