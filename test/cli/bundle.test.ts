import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSpecText } from '../../lambdas/agent-spec/parse.ts';
import { generateAgentProject } from '../../lambdas/generate/generate.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';
// @ts-expect-error: a plain JavaScript build script, without type declarations
import { cliEntry, freshCliEntry } from '../../scripts/cli-bundle.mjs';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const example = join(root, 'examples', 'support-triage.yaml');
let entry: string;
let work: string;

beforeAll(async () => {
  // Built when missing or older than a source, as the `agent-builder` executable does.
  entry = await cliEntry();
  work = mkdtempSync(join(tmpdir(), 'cli-bundle-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

// The prebuilt CLI (dist/cli, esbuild) is what the `agent-builder` executable runs: it must find the
// templates, registries and data files from where the bundle is, and give the same bytes as the sources.
describe('the bundled CLI', () => {
  it('is current after a build, and the executable runs it', async () => {
    expect(entry).toMatch(/dist\/cli\/[^/]+\/cli\.js$/);
    expect(freshCliEntry()).toBe(entry);
    const { stdout } = await run(process.execPath, [join(root, 'bin', 'agent-builder.js'), '--help'], {
      cwd: root,
    });
    expect(stdout).toMatch(/^Usage: agent-builder/);
  });

  it('generates exactly the project the sources generate, from its precompiled templates', async () => {
    const out = join(work, 'project');
    const { stdout } = await run(
      process.execPath,
      [entry, 'generate', '--spec', example, '--out', out, '--json'],
      {
        cwd: work,
      },
    );
    const summary = JSON.parse(stdout) as { files: string[] };
    const expected = await generateAgentProject(parseSpecText(readFileSync(example, 'utf8'), example), {
      models: loadModelRegistry(),
      tools: loadToolRegistry(),
    });
    expect(summary.files).toEqual(expected.metadata.files);
    for (const [path, content] of Object.entries(expected.files))
      expect(readFileSync(join(out, path), 'utf8'), path).toBe(content);
  });

  it('starts the whole platform: emulators, a generation through the workflow, a file from its zip', async () => {
    // A directory whose web app counts as built, so `start` serves it instead of running vite.
    const site = join(work, 'site');
    mkdirSync(join(site, 'frontend', 'src'), { recursive: true });
    mkdirSync(join(site, 'frontend', 'dist'), { recursive: true });
    writeFileSync(join(site, 'frontend', 'index.html'), '<!doctype html>');
    utimesSync(join(site, 'frontend', 'index.html'), new Date(0), new Date(0));
    writeFileSync(join(site, 'frontend', 'dist', 'index.html'), '<!doctype html><title>built</title>');
    const child: ChildProcess = spawn(
      process.execPath,
      [entry, 'start', '--port', '0', '--data', join(work, 'data')],
      { cwd: site, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const found = out.match(/running at (http:\/\/\S+)/);
          if (found?.[1]) resolve(found[1]);
        });
        child.once('exit', (code) => reject(new Error(`start exited ${code}: ${out}`)));
      });
      expect((await fetch(`${url}/api/health`)).status).toBe(200);
      const spec = parseSpecText(readFileSync(example, 'utf8'), example);
      const response = await fetch(`${url}/api/code-generation/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ spec }),
      });
      const generation = (await response.json()) as { id: string; status: string };
      expect(response.status).toBe(201);
      expect(generation.status).toBe('SUCCEEDED');
      const file = await fetch(`${url}/api/code-generation/${generation.id}/files/src/agent.ts`);
      expect(file.status).toBe(200);
      expect(await file.text()).toContain('@strands-agents/sdk');
      expect(await (await fetch(`${url}/`)).text()).toContain('<title>built</title>');
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
    }
  });
});
