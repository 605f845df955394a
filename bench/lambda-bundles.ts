/**
 * Each Lambda's bundle as `cdk synth` builds it (the same esbuild options, lib/lambda-bundling.ts):
 * its minified size beside the target (≤ 1 MB where its dependencies allow; cold start grows with it)
 * and what takes the most room in it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { LAMBDA_BUNDLING } from '../lib/lambda-bundling.ts';

const ROOT = join(import.meta.dirname, '..');
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

/** The package (or top folder) an input file belongs to. */
const owner = (input: string) =>
  input
    .match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)
    ?.pop()
    ?.slice('node_modules/'.length) ?? input.split('/').slice(0, 2).join('/');

export async function lambdaBundleSizes(): Promise<void> {
  const features = readdirSync(join(ROOT, 'lambdas'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .filter((feature) => readdirSync(join(ROOT, 'lambdas', feature)).includes('handler.ts'));
  const rows = [];
  for (const feature of features) {
    const result = await build({
      entryPoints: [join(ROOT, 'lambdas', feature, 'handler.ts')],
      absWorkingDir: ROOT,
      bundle: true,
      write: false,
      outdir: join(ROOT, 'cdk.out', 'bench-bundles', feature),
      platform: 'node',
      format: LAMBDA_BUNDLING.format,
      target: LAMBDA_BUNDLING.target,
      minify: LAMBDA_BUNDLING.minify,
      mainFields: [...LAMBDA_BUNDLING.mainFields],
      banner: { js: LAMBDA_BUNDLING.banner },
      external: [...LAMBDA_BUNDLING.externalModules],
      metafile: true,
      logLevel: 'error',
    });
    const output = Object.values(result.metafile.outputs)[0];
    const bytes = output?.bytes ?? 0;
    const byOwner = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {}))
      byOwner.set(owner(input), (byOwner.get(owner(input)) ?? 0) + bytesInOutput);
    const largest = [...byOwner]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([name, size]) => `${name} ${kb(size)}`)
      .join(', ');
    rows.push({
      lambda: feature,
      minified: kb(bytes),
      target: '≤ 1,024 KB',
      ok: bytes <= 1024 * 1024 ? 'yes' : 'no',
      largest,
    });
  }
  console.log('\nLambda bundles as synth builds them (minified ESM, AWS SDK from the runtime)');
  console.table(rows);
}

/**
 * States of the generation workflow that wait (a Wait state, or a task that waits for a job or a
 * callback): none, so an execution takes only the time of its work.
 */
export function waitingStates(): string[] {
  const definition = JSON.parse(readFileSync(join(ROOT, 'lib', 'workflows', 'generation.asl.json'), 'utf8'));
  const found: string[] = [];
  const visit = (
    states: Record<string, { Type: string; Resource?: string; Branches?: { States: object }[] }>,
  ) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Wait' || /\.(sync|waitForTaskToken)/.test(state.Resource ?? '')) found.push(name);
      for (const branch of state.Branches ?? []) visit(branch.States as never);
    }
  };
  visit(definition.States);
  return found;
}
