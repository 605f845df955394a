import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the `agent-builder` executable (bin/agent-builder.js → bin/cli.ts) as a separate process. */
async function agentBuilder(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/agent-builder.js', ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// The commands themselves are tested in process (cli.test.ts); this is the one test of the real entry
// point: the bin script loads the TypeScript CLI, and runCli's answer becomes the process exit code.
describe('agent-builder executable', () => {
  it('prints help with exit code 0, and exits 2 on bad input with the problem on stderr', async () => {
    const help = await agentBuilder('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: agent-builder/);
    expect(help.stdout).toMatch(/models/);
    const bad = await agentBuilder('tools', 'resolve', 'hammer', '--language', 'python');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/unknown tool id "hammer"/);
  });
});
