import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../lambdas/core/errors.ts';
import { validateCompatibility } from '../../lambdas/tools/compatibility.ts';
import { requirementLine, resolveDependencies } from '../../lambdas/tools/dependencies.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';
import { ToolRegistry } from '../../lambdas/tools/registry.ts';
import type { ToolInfo } from '../../lambdas/tools/schema.ts';
import { makeTool } from '../fixtures.ts';

const ts = (deps: [string, string][]): ToolInfo['implementations']['typescript'] => ({
  kind: 'generated',
  module: './tools/x.js',
  symbol: 'x',
  dependencies: deps.map(([name, range]) => ({ name, range })),
});
const py = (deps: [string, string][]): ToolInfo['implementations']['python'] => ({
  kind: 'generated',
  module: 'tools.x',
  symbol: 'x',
  dependencies: deps.map(([name, range]) => ({ name, range })),
});

const registry = new ToolRegistry([
  makeTool({
    id: 'alpha',
    category: 'web',
    implementations: {
      typescript: ts([
        ['lib-a', '^1.2.0'],
        ['shared', '^2.0.0'],
      ]),
      python: py([['Shared_Pkg[x]', '>=1.0,<3.0']]),
    },
    alternatives: ['beta', 'gamma'],
  }),
  makeTool({
    id: 'beta',
    category: 'web',
    implementations: { typescript: ts([['shared', '^2.3.0']]), python: py([['shared-pkg[y]', '>=2.0']]) },
  }),
  makeTool({
    id: 'gamma',
    category: 'code-execution',
    description: 'Runs commands',
    implementations: { typescript: ts([['shared', '^1.0.0']]), python: py([['shared.pkg', '<2.0']]) },
    platforms: {
      agentcore: { status: 'limited', note: 'sandboxed' },
      'ecs-fargate': { status: 'supported' },
      lambda: { status: 'unsupported', note: 'no shell' },
    },
    alternatives: ['delta'],
    conflicts: [{ tool: 'alpha', severity: 'error', reason: 'they fight' }],
  }),
  makeTool({
    id: 'delta',
    implementations: {
      python: {
        ...(py([]) as NonNullable<ToolInfo['implementations']['python']>),
        deprecated: 'use something newer',
      },
    },
    conflicts: [{ tool: 'beta', severity: 'warning', reason: 'overlap' }],
  }),
]);

describe('ToolRegistry.filter', () => {
  it('filters by category, language, platform and text', () => {
    const ids = (f: Parameters<ToolRegistry['filter']>[0]) => registry.filter(f).map((t) => t.id);
    expect(ids({ category: 'web' })).toEqual(['alpha', 'beta']);
    expect(ids({ language: 'typescript' })).toEqual(['alpha', 'beta', 'gamma']);
    expect(ids({ platform: 'lambda' })).toEqual(['alpha', 'beta', 'delta']);
    expect(ids({ platform: 'agentcore', search: 'commands' })).toEqual(['gamma']);
  });

  it('names unknown tools with close matches', () => {
    expect(() => registry.get('alph')).toThrow(NotFoundError);
    expect(() => registry.get('alph')).toThrow(/did you mean "alpha"/);
  });

  it('finds real tools by platform: no shell on Lambda', () => {
    const real = loadToolRegistry();
    const onLambda = real.filter({ platform: 'lambda' }).map((t) => t.id);
    expect(onLambda).not.toContain('shell');
    expect(onLambda).toContain('http_request');
  });
});

describe('resolveDependencies', () => {
  it('merges npm ranges to the narrowest one that satisfies every tool', () => {
    const set = resolveDependencies(registry, ['alpha', 'beta'], 'typescript');
    expect(set.conflicts).toEqual([]);
    expect(set.packages).toEqual([
      { name: 'lib-a', range: '^1.2.0', extras: [], requiredBy: ['alpha'] },
      { name: 'shared', range: '^2.3.0', extras: [], requiredBy: ['alpha', 'beta'] },
    ]);
    expect(requirementLine(set.packages[1] as (typeof set.packages)[number], 'npm')).toBe('shared@^2.3.0');
  });

  it('detects and explains an npm version conflict', () => {
    const set = resolveDependencies(registry, ['alpha', 'gamma'], 'typescript');
    expect(set.packages.map((p) => p.name)).toEqual(['lib-a']);
    expect(set.conflicts).toHaveLength(1);
    expect(set.conflicts[0]?.name).toBe('shared');
    expect(set.conflicts[0]?.explanation).toMatch(/alpha \(\^2\.0\.0\) and gamma \(\^1\.0\.0\)/);
  });

  it('merges pip specifiers and extras under PEP 503 names', () => {
    const set = resolveDependencies(registry, ['alpha', 'beta'], 'python');
    expect(set.conflicts).toEqual([]);
    expect(set.packages).toEqual([
      { name: 'shared-pkg', range: '>=1.0,<3.0,>=2.0', extras: ['x', 'y'], requiredBy: ['alpha', 'beta'] },
    ]);
    expect(requirementLine(set.packages[0] as (typeof set.packages)[number], 'pip')).toBe(
      'shared-pkg[x,y]>=1.0,<3.0,>=2.0',
    );
  });

  it('detects an unsatisfiable pip combination', () => {
    const set = resolveDependencies(registry, ['beta', 'gamma'], 'python');
    expect(set.conflicts[0]?.name).toBe('shared-pkg');
    expect(set.conflicts[0]?.demands).toEqual([
      { tool: 'beta', range: '>=2.0' },
      { tool: 'gamma', range: '<2.0' },
    ]);
  });

  it('lists tools without an implementation in the language', () => {
    expect(resolveDependencies(registry, ['delta', 'alpha'], 'typescript').unsupported).toEqual(['delta']);
  });

  it('resolves a real Python selection with extras into requirement lines', () => {
    const real = loadToolRegistry();
    const set = resolveDependencies(real, ['mem0_memory', 'code_interpreter', 'file_read'], 'python');
    const lines = set.packages.map((p) => requirementLine(p, 'pip'));
    expect(lines).toContain('strands-agents-tools[mem0_memory]>=0.2.0,<1.0.0');
    expect(lines).toContain('bedrock-agentcore>=1.0.0,<2.0.0');
    expect(set.conflicts).toEqual([]);
  });
});

describe('validateCompatibility', () => {
  it('rejects a tool the target cannot run, suggesting alternatives that work there', () => {
    const report = validateCompatibility(registry, ['gamma'], 'lambda');
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([
      expect.objectContaining({ tool: 'gamma', code: 'unsupported-platform', alternatives: ['delta'] }),
    ]);
  });

  it('warns about limited support, deprecations and warning-level conflicts', () => {
    const report = validateCompatibility(registry, ['gamma', 'beta', 'delta'], 'agentcore', 'python');
    expect(report.warnings.map((w) => w.code).sort()).toEqual(['conflict', 'deprecated', 'limited-platform']);
  });

  it('reports an error-level conflict once, whichever tool declares it', () => {
    const report = validateCompatibility(registry, ['alpha', 'gamma'], 'ecs-fargate');
    expect(report.errors.filter((e) => e.code === 'conflict')).toHaveLength(1);
  });

  it('reports missing languages and dependency conflicts when a language is given', () => {
    const report = validateCompatibility(registry, ['alpha', 'gamma', 'delta'], 'ecs-fargate', 'typescript');
    const codes = report.errors.map((e) => e.code);
    expect(codes).toContain('unsupported-language');
    expect(codes).toContain('dependency-conflict');
  });

  it('passes a sound selection', () => {
    expect(validateCompatibility(registry, ['alpha', 'beta'], 'lambda', 'typescript')).toEqual({
      ok: true,
      target: 'lambda',
      language: 'typescript',
      errors: [],
      warnings: [],
    });
  });

  it('suggests code_interpreter when shell is chosen for a real Lambda agent', () => {
    const report = validateCompatibility(
      loadToolRegistry(),
      ['shell', 'http_request'],
      'lambda',
      'typescript',
    );
    expect(report.ok).toBe(false);
    expect(report.errors[0]).toMatchObject({ tool: 'shell', alternatives: ['code_interpreter'] });
  });
});
