import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { platformConfig } from '../../lambdas/core/config.ts';
import { ValidationError } from '../../lambdas/core/errors.ts';
import { modelJudge } from '../../lambdas/evaluations/judge.ts';
import { toJUnit } from '../../lambdas/evaluations/junit.ts';
import { buildLocally, localExecutor } from '../../lambdas/evaluations/local-run.ts';
import type { SuiteResult } from '../../lambdas/evaluations/results.ts';
import { runSuite } from '../../lambdas/evaluations/run-suite.ts';
import { parseSuite } from '../../lambdas/evaluations/suite.ts';
import { generateAgentProject } from '../../lambdas/generate/generate.ts';
import { zipProject } from '../../lambdas/generate/zip.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';
import { chooseBackend, ollamaHostFor } from '../../runner/backends.ts';
import { scrubbedEnv } from '../../runner/harness.ts';
import { json, type Output, table, usd } from './format.ts';
import { readSpec } from './generate.ts';

const ms = (n: number) => `${Math.round(n).toLocaleString('en-US')} ms`;
const pct = (r: number) => `${Math.round(r * 1000) / 10}%`;

/** The result as a table per case run, then the suite's figures and verdict. */
export function formatResult(result: SuiteResult): string[] {
  const rows = result.cases.flatMap((c) =>
    c.runs.map((r) => [
      r.status === 'passed' ? 'PASS' : 'FAIL',
      c.runs.length > 1 ? `${c.id} #${r.repetition + 1}` : c.id,
      [
        ...(r.failure ? [r.failure] : []),
        ...r.assertions
          .filter((a) => a.status !== 'passed')
          .map((a) => `${a.status === 'skipped' ? 'skipped' : 'failed'} ${a.type}: ${a.reason}`),
      ].join('\n') || `${r.assertions.length} passed`,
      ms(r.latencyMs),
      r.inputTokens + r.outputTokens,
      r.costUsd === undefined ? '–' : usd(r.costUsd),
    ]),
  );
  const s = result.summary;
  return [
    `${result.suite} on the ${result.model?.label ?? 'agent'}${result.judge ? `, judged by ${result.judge}` : ''}`,
    table(['', 'case', 'assertions', 'latency', 'tokens', 'cost'], rows),
    `pass rate ${pct(s.passRate)} (${s.passedRuns}/${s.caseRuns} case runs), threshold ${pct(s.threshold)}`,
    `latency p50 ${ms(s.p50LatencyMs)}, p95 ${ms(s.p95LatencyMs)}; ${s.totalTokens.toLocaleString('en-US')} tokens${
      s.totalCostUsd !== undefined
        ? `, ${usd(s.totalCostUsd)}${s.costHypothetical ? " (at the spec model's price; another model answered)" : ''}`
        : ''
    }`,
    ...Object.entries(s.tags).map(
      ([tag, t]) =>
        `tag ${tag}: ${pct(t.passRate)}${t.threshold !== undefined ? ` (threshold ${pct(t.threshold)})` : ''}`,
    ),
    `${s.verdict === 'passed' ? 'PASSED' : 'FAILED'}: ${s.reasons.join('; ')}`,
  ];
}

export function evalCommand(io: Output, setExitCode: (code: number) => void): Command {
  return new Command('eval')
    .description("Run an agent's evaluation suite in the local sandbox; exits 1 below the suite's threshold")
    .requiredOption('--spec <file>', 'the AgentSpec file (YAML or JSON)')
    .option('--suite <file>', 'the suite (YAML); default: the starter suite generated from the spec')
    .addOption(
      new Option('--model <choice>', 'the model that answers: offline, bedrock, openai-compatible, or auto')
        .choices(['auto', 'offline', 'bedrock', 'openai-compatible'])
        .default('auto'),
    )
    .option('--json', 'print the result as JSON')
    .option('--junit <file>', 'also write the result as JUnit XML (for CI)')
    .action(async (opts: { spec: string; suite?: string; model: string; json?: boolean; junit?: string }) => {
      if (opts.suite && !existsSync(opts.suite))
        throw new ValidationError(`suite file not found: ${opts.suite}`);
      const registries = { models: loadModelRegistry(), tools: loadToolRegistry() };
      const project = await generateAgentProject(readSpec(opts.spec), registries);
      const suite = parseSuite(
        opts.suite ? readFileSync(opts.suite, 'utf8') : (project.files['evals/main.yaml'] ?? ''),
        opts.suite ?? 'evals/main.yaml',
      );
      const config = platformConfig({ ...process.env, TEST_MODEL: opts.model });
      const backend = chooseBackend(config);
      const ollamaHost = ollamaHostFor(config);
      const modelId = JSON.parse(project.files['evals/model-price.json'] ?? '{}').modelId as string;
      const local = {
        zip: zipProject(project.metadata.name, project.files),
        buildKey: `eval-${project.metadata.specHash.slice(0, 16)}-${project.metadata.templatesVersion.slice(0, 12)}`,
        cacheDir: resolve(config.RUNNER_CACHE_DIR),
        backend,
        toolEnv: scrubbedEnv(process.env),
        ...(ollamaHost ? { ollamaHost } : {}),
      };
      if (!opts.json) io.err(`building ${project.metadata.name} in the sandbox…`);
      const build = await buildLocally(local);
      if (build.status !== 'succeeded')
        throw new ValidationError(`the generated project did not build: ${build.reason ?? build.status}`);
      const judge = modelJudge(backend, modelId);
      const price = registries.models.find(modelId);
      const result = await runSuite(suite, localExecutor(local), {
        ...(judge ? { judge } : {}),
        ...(price ? { price } : {}),
        onEvent: (event) => {
          if (!opts.json && event.type === 'case_finished')
            io.err(`${event.run.status === 'passed' ? 'pass' : 'FAIL'} ${event.run.caseId}`);
        },
      });
      if (opts.junit) writeFileSync(opts.junit, toJUnit(result));
      if (opts.json) io.out(json(result));
      else for (const line of formatResult(result)) io.out(line);
      setExitCode(result.summary.verdict === 'passed' ? 0 : 1);
    });
}
