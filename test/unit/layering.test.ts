import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseOptions, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { beforeAll, describe, expect, it } from 'vitest';

// The layering rules of .dependency-cruiser.cjs (the same file `npm run check:deps` uses), run through
// dependency-cruiser's API: the platform breaks none, and the rules do catch what they forbid.
const root = fileURLToPath(new URL('../..', import.meta.url));
let options: ICruiseOptions;

beforeAll(async () => {
  options = await extractDepcruiseOptions(join(root, '.dependency-cruiser.cjs'));
});

async function violations(baseDir: string, paths: string[]): Promise<string[]> {
  const { output } = await cruise(paths, { ...options, baseDir });
  return (output as ICruiseResult).summary.violations.map(
    (v) => `${v.rule.name}: ${[v.from, ...(v.cycle?.map((c) => c.name) ?? [v.to])].join(' → ')}`,
  );
}

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'layering-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe('layering', () => {
  it('the platform, runner, CLI and CDK app break no layering rule', async () => {
    expect(await violations(root, ['lambdas', 'runner', 'bin', 'lib'])).toEqual([]);
  });

  it('catches a cycle closed by a type-only import, and core importing a feature', async () => {
    const dir = fixture({
      'lambdas/sessions/workflow.ts':
        "import { type Model, label } from './model.ts';\nexport const x = label;\n",
      'lambdas/sessions/model.ts':
        "import type { x } from './workflow.ts';\nexport type Model = typeof x;\nexport const label = 'm';\n",
      'lambdas/core/adapter.ts':
        "import type { Model } from '../sessions/model.ts';\nexport type M = Model;\n",
    });
    const found = await violations(dir, ['lambdas']);
    expect(found).toContainEqual(
      expect.stringMatching(/^no-circular: lambdas\/sessions\/(model|workflow)\.ts/),
    );
    expect(found).toContain('core-imports-no-feature: lambdas/core/adapter.ts → lambdas/sessions/model.ts');
  });
});
