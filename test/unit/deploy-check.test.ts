import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript script (it runs before the project's TypeScript tooling).
import { deployProblems } from '../../scripts/deploy-check.mjs';

type Answer = { status?: number; stdout?: string; error?: { code: string } };
const machine =
  (answers: Record<string, Answer>) =>
  (command: string, args: string[]): Answer =>
    answers[[command, ...args].join(' ')] ?? { status: 0, stdout: '' };

describe('the deploy machine check (predeploy)', () => {
  it('says Docker is missing when there is none', () => {
    const problems = deployProblems(
      machine({ 'docker version --format {{.Server.Version}}': { error: { code: 'ENOENT' } } }),
      'x64',
    );
    expect(problems).toEqual([expect.stringContaining('Docker is not installed')]);
  });

  it('says the engine is not running when the client cannot reach it', () => {
    const problems = deployProblems(
      machine({ 'docker version --format {{.Server.Version}}': { status: 1 } }),
      'x64',
    );
    expect(problems).toEqual([expect.stringContaining('engine is not running')]);
  });

  it('asks for QEMU on an x86 machine whose builder cannot build arm64', () => {
    const problems = deployProblems(
      machine({
        'docker buildx inspect --bootstrap': { status: 0, stdout: 'Platforms: linux/amd64, linux/386' },
      }),
      'x64',
    );
    expect(problems).toEqual([expect.stringContaining('tonistiigi/binfmt')]);
  });

  it('is ready with buildx and arm64 emulation, or on an ARM64 machine', () => {
    const x86 = machine({
      'docker buildx inspect --bootstrap': { status: 0, stdout: 'Platforms: linux/amd64, linux/arm64' },
    });
    expect(deployProblems(x86, 'x64')).toEqual([]);
    expect(deployProblems(machine({}), 'arm64')).toEqual([]);
  });
});
