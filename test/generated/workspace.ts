import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { AgentSpecInput } from '../../lambdas/agent-spec/schema.ts';
import { generateAgentProject } from '../../lambdas/generate/generate.ts';
import type { GeneratedProject } from '../../lambdas/generate/project.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';

export const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const registries = { models: loadModelRegistry(), tools: loadToolRegistry() };

export function generate(spec: AgentSpecInput): Promise<GeneratedProject> {
  return generateAgentProject(spec, registries);
}

/** A fresh directory under the OS temp dir for one test file's projects. */
export function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `agent-builder-${prefix}-`));
}

export function writeProject(dir: string, project: GeneratedProject): void {
  for (const [path, content] of Object.entries(project.files)) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/**
 * One `npm install` of the union of the generated projects' dependencies, shared by every project in
 * the matrix (linked as their node_modules) and cached under `.cache/` by the hash of the package set.
 */
export async function sharedNodeModules(projects: GeneratedProject[]): Promise<string> {
  const dependencies: Record<string, string> = {};
  const devDependencies: Record<string, string> = {};
  for (const p of projects) {
    for (const d of p.metadata.infraDependencies) dependencies[d.name] = d.range;
    if (p.metadata.language !== 'typescript') continue; // pip packages are not npm's
    for (const d of p.metadata.dependencies) dependencies[d.name] = d.range;
    for (const d of p.metadata.devDependencies) devDependencies[d.name] = d.range;
  }
  const manifest = {
    name: 'generated-projects-deps',
    private: true,
    type: 'module',
    dependencies: Object.fromEntries(Object.entries(dependencies).sort()),
    devDependencies: Object.fromEntries(Object.entries(devDependencies).sort()),
  };
  const hash = createHash('sha256').update(JSON.stringify(manifest)).digest('hex').slice(0, 16);
  const dir = join(ROOT, '.cache', 'generated-deps', hash);
  if (!existsSync(join(dir, 'node_modules', '.package-lock.json'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      maxBuffer: 64 * 1024 * 1024,
    });
  }
  return join(dir, 'node_modules');
}

export function linkNodeModules(projectDir: string, nodeModules: string): void {
  symlinkSync(nodeModules, join(projectDir, 'node_modules'), 'dir');
}
