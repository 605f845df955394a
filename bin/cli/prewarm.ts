import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateAgentProject } from '../../lambdas/generate/generate.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';
import { scrubbedEnv } from '../../runner/harness.ts';
import { installNpm } from '../../runner/workspace.ts';
import { readSpec } from './generate.ts';

/**
 * Fills the runner's dependency cache in the background when the platform starts, so the first build
 * of a session finds its packages installed: the package sets of a TypeScript agent on the
 * recommended model (with and without the common tools) and of the bundled example spec. Each set is
 * installed exactly as a build installs it (runner/workspace.ts installNpm); a set already cached
 * costs nothing. Says what it did, or why it could not (the first build then installs instead).
 */
export async function prewarmDependencyCache(
  cacheDir: string,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const models = loadModelRegistry();
  const tools = loadToolRegistry();
  const model = models.all().find((m) => m.recommended && m.provider === 'bedrock')?.id;
  const specs: Record<string, unknown>[] = [
    { name: 'Prewarm', language: 'typescript', systemPrompt: 'x', ...(model ? { model } : {}) },
    {
      name: 'Prewarm tools',
      language: 'typescript',
      systemPrompt: 'x',
      tools: ['calculator', 'current_time'],
      ...(model ? { model } : {}),
    },
  ];
  try {
    specs.push({ ...readSpec(resolve('examples/support-triage.yaml')), language: 'typescript' });
  } catch {
    // no example here: the two sets above are warmed
  }
  const started = Date.now();
  const sources: string[] = [];
  for (const spec of specs) {
    if (signal.aborted) return;
    const dir = mkdtempSync(join(tmpdir(), 'prewarm-'));
    try {
      const project = await generateAgentProject(spec, { models, tools });
      writeFileSync(join(dir, 'package.json'), project.files['package.json'] ?? '{}');
      sources.push(
        await installNpm(dir, {
          cacheDir: resolve(cacheDir),
          env: scrubbedEnv(process.env),
          timeoutMs: 900_000,
          signal,
          onLine: () => undefined,
        }),
      );
    } catch (error) {
      log(
        `  Dependency cache: not warmed (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); the first build installs instead.`,
      );
      return;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const installed = sources.filter((s) => s !== 'cache').length;
  log(
    installed === 0
      ? `  Dependency cache: warm (${sources.length} package sets already installed).`
      : `  Dependency cache: warmed ${installed} of ${sources.length} package sets in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
}
