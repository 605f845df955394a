import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../generated/workspace.ts';

const run = promisify(execFile);

/**
 * The runner image as its Dockerfile builds it: the `npm ci` of the deps stage in a clean folder, the
 * files its final stage copies, then the entry point started. A runtime import that only a
 * devDependency provides fails here (ERR_MODULE_NOT_FOUND), as it would in every Fargate task.
 */
describe('the runner image install', () => {
  const dockerfile = readFileSync(join(ROOT, 'runner', 'Dockerfile'), 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'agent-builder-runner-image-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('installs production dependencies only and starts the runner', async () => {
    const install = /^RUN (npm ci [^\n]+)$/m.exec(dockerfile)?.[1];
    expect(install).toMatch(/--omit=dev/);
    cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    cpSync(join(ROOT, 'package-lock.json'), join(dir, 'package-lock.json'));
    await run('sh', ['-c', install as string], { cwd: dir, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    // What the final stage copies from the build context (not from the deps stage).
    const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \.\/?(\S*)$/gm)].flatMap((m) =>
      (m[1] ?? '').split(' ').map((src) => [src, m[2] || src] as const),
    );
    expect(copies.map(([src]) => src)).toEqual(expect.arrayContaining(['runner', 'lambdas']));
    for (const [src, dest] of copies)
      if (src !== 'package.json' && src !== 'package-lock.json')
        cpSync(join(ROOT, src), join(dir, dest.endsWith('/') || dest === '' ? src : dest), {
          recursive: true,
        });
    // Without a task it prints its usage and exits 2: every module it imports has loaded.
    const started = await run(process.execPath, ['--import', 'tsx', 'runner/main.ts'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, NODE_ENV: 'production' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(started.stderr).not.toContain('ERR_MODULE_NOT_FOUND');
    expect(started).toMatchObject({ code: 2, stderr: expect.stringContaining('usage:') });
  }, 600_000);
});
