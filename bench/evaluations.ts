import { resolve } from 'node:path';
import { buildLocally, localExecutor } from '../lambdas/evaluations/local-run.ts';
import { runSuite } from '../lambdas/evaluations/run-suite.ts';
import { Suite } from '../lambdas/evaluations/suite.ts';
import { generateAgentProject } from '../lambdas/generate/generate.ts';
import { zipProject } from '../lambdas/generate/zip.ts';
import { loadModelRegistry } from '../lambdas/models/load.ts';
import { loadToolRegistry } from '../lambdas/tools/load.ts';
import { scrubbedEnv } from '../runner/harness.ts';
import { offlineBackend } from '../runner/offline-model.ts';

/**
 * A 20-case evaluation suite on the offline model, the project already built (dependencies cached):
 * the wall time of the whole suite, target ≤ 15 s. Each turn is a harness run, which today starts the
 * agent process afresh; warm agents (one process per build) are what the target assumes.
 */
export async function evaluationBench(): Promise<void> {
  const registries = { models: loadModelRegistry(), tools: loadToolRegistry() };
  const project = await generateAgentProject(
    {
      name: 'bench evaluations',
      language: 'typescript',
      model: 'anthropic.claude-3-5-haiku-20241022-v1:0',
      systemPrompt: 'You do arithmetic and tell the time.',
      tools: ['calculator', 'current_time'],
      deployment: { target: 'agentcore', region: 'us-east-1' },
    },
    registries,
  );
  const local = {
    zip: zipProject(project.metadata.name, project.files),
    buildKey: `bench-eval-${project.metadata.specHash.slice(0, 16)}-${project.metadata.templatesVersion.slice(0, 12)}`,
    cacheDir: resolve('.cache/runner'),
    backend: offlineBackend(),
    toolEnv: scrubbedEnv(process.env),
  };
  const build = await buildLocally(local);
  if (build.status !== 'succeeded') throw new Error(`bench build: ${build.reason}`);
  const suite = Suite.parse({
    name: 'bench',
    settings: { concurrency: 4 },
    cases: Array.from({ length: 20 }, (_, i) => ({
      id: `case-${i + 1}`,
      input: i % 2 === 0 ? `use calculator on "${i} + 1"` : `say hello number ${i}`,
      assertions:
        i % 2 === 0
          ? [
              { type: 'tool-called', name: 'calculator' },
              { type: 'tokens', max: 10_000 },
            ]
          : [
              { type: 'tool-not-called', name: 'calculator' },
              { type: 'length', min: 1 },
            ],
    })),
  });
  const started = performance.now();
  const result = await runSuite(suite, localExecutor(local), {
    price: registries.models.get('anthropic.claude-3-5-haiku-20241022-v1:0'),
  });
  const wall = performance.now() - started;
  console.log(
    '\nEvaluation suite on the offline model, 20 cases, concurrency 4, build cached (target: ≤ 15,000 ms)',
  );
  console.table([
    {
      'suite wall ms': wall.toFixed(0),
      target: '≤ 15,000',
      'pass rate': `${(result.summary.passRate * 100).toFixed(0)}%`,
      'case p50 ms': result.summary.p50LatencyMs.toFixed(0),
      'case p95 ms': result.summary.p95LatencyMs.toFixed(0),
    },
  ]);
}
