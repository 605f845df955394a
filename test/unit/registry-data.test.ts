import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lambdas/core/errors.ts';
import { ModelRegistry } from '../../lambdas/models/registry.ts';
import { Capability } from '../../lambdas/models/schema.ts';
import { resolveDependencies } from '../../lambdas/tools/dependencies.ts';
import { ToolRegistry } from '../../lambdas/tools/registry.ts';
import { ToolCategory, toolLanguages } from '../../lambdas/tools/schema.ts';
import { npmRanges, pipRanges } from '../../lambdas/tools/versions.ts';
import modelsData from '../../registry-data/models.json' with { type: 'json' };
import toolsData from '../../registry-data/tools.json' with { type: 'json' };

function clone<T>(value: T): T {
  return structuredClone(value);
}

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('registry-data/models.json', () => {
  const registry = ModelRegistry.fromData(modelsData);
  const models = registry.all();

  it('parses with the schema the code uses and holds at least 49 models', () => {
    expect(models.length).toBeGreaterThanOrEqual(49);
  });

  it('covers Bedrock first (Claude 3.5 Haiku to 4.x, Nova, Llama, Mistral, Cohere, DeepSeek), Ollama, OpenAI and Anthropic', () => {
    const bedrock = models.filter((m) => m.provider === 'bedrock');
    expect(bedrock.every((m) => m.recommended)).toBe(true);
    expect(models.filter((m) => m.recommended).every((m) => m.provider === 'bedrock')).toBe(true);
    for (const vendor of ['Anthropic', 'Amazon', 'Meta', 'Mistral AI', 'Cohere', 'DeepSeek']) {
      expect(
        bedrock.some((m) => m.vendor === vendor),
        vendor,
      ).toBe(true);
    }
    for (const id of [
      'anthropic.claude-3-5-haiku-20241022-v1:0',
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
      'amazon.nova-micro-v1:0',
      'amazon.nova-lite-v1:0',
      'amazon.nova-pro-v1:0',
      'amazon.nova-premier-v1:0',
    ]) {
      expect(registry.find(id), id).toBeDefined();
    }
    expect(models.some((m) => m.provider === 'ollama')).toBe(true);
    expect(models.some((m) => m.provider === 'openai')).toBe(true);
    expect(models.some((m) => m.provider === 'anthropic')).toBe(true);
    // Bedrock first: the file lists Bedrock models before any other provider's.
    const firstOther = models.findIndex((m) => m.provider !== 'bedrock');
    expect(models.slice(firstOther).some((m) => m.provider === 'bedrock')).toBe(false);
  });

  it('gives every entry a source and an asOf date no later than today', () => {
    const today = new Date().toISOString().slice(0, 10);
    for (const m of models) {
      expect(m.source, m.id).toMatch(/^https:\/\//);
      expect(m.asOf <= today, m.id).toBe(true);
    }
  });

  it('uses Bedrock ids of the form vendor.model (with a version) and plain ids elsewhere', () => {
    for (const m of models.filter((x) => x.provider === 'bedrock'))
      expect(m.id, m.id).toMatch(/^[a-z0-9-]+\.[a-z0-9.-]+(:\d+)?$/);
    for (const m of models.filter((x) => x.provider === 'ollama'))
      expect(m.id, m.id).toMatch(/^[a-z0-9.-]+:[a-z0-9.]+$/);
    for (const m of models.filter((x) => x.provider === 'ollama'))
      expect(m.pricing.inputPerMTok + m.pricing.outputPerMTok).toBe(0);
  });

  it('rejects a bad entry with its index and field', () => {
    const data = clone(modelsData);
    (data.models[12] as { pricing: { inputPerMTok: unknown } }).pricing.inputPerMTok = -1;
    (data.models[3] as { capabilities: unknown }).capabilities = ['telepathy'];
    const problems = problemsOf(() => ModelRegistry.fromData(data));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'models[12].pricing.inputPerMTok' }));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'models[3].capabilities[0]' }));
  });

  it('rejects duplicate ids, unknown fields, and prices with more than 6 decimals', () => {
    const data = clone(modelsData);
    data.models.push(clone(data.models[0] as (typeof data.models)[number]));
    (data.models[1] as Record<string, unknown>).price = 3;
    (data.models[2] as { pricing: { outputPerMTok: number } }).pricing.outputPerMTok = 0.0000001;
    const problems = problemsOf(() => ModelRegistry.fromData(data));
    expect(problems).toContainEqual(
      expect.objectContaining({
        path: `models[${data.models.length - 1}].id`,
        message: expect.stringMatching(/duplicate/),
      }),
    );
    expect(problems).toContainEqual({
      path: 'models[1].price',
      message: 'unknown field; check its spelling',
    });
    expect(problems).toContainEqual(expect.objectContaining({ path: 'models[2].pricing.outputPerMTok' }));
  });

  it('checks that capabilities agree with prices (batch prices ⇔ "batch")', () => {
    const data = clone(modelsData);
    const m = data.models.find((x) => x.id === 'amazon.nova-pro-v1:0') as { capabilities: string[] };
    m.capabilities = m.capabilities.filter((c) => c !== 'batch');
    const index = data.models.indexOf(m as (typeof data.models)[number]);
    expect(problemsOf(() => ModelRegistry.fromData(data))).toContainEqual(
      expect.objectContaining({ path: `models[${index}].capabilities` }),
    );
  });

  it('fails on a missing capability list, an unknown lifecycle, and a retired model without a replacement', () => {
    const data = clone(modelsData);
    delete (data.models[0] as { capabilities?: unknown }).capabilities;
    (data.models[1] as { capabilities: unknown }).capabilities = [];
    (data.models[2] as { lifecycle: unknown }).lifecycle = { status: 'sunsetting' };
    (data.models[3] as { lifecycle: unknown }).lifecycle = {
      status: 'retired',
      date: '2026-01-01',
      source: 'https://example.com/deprecations',
      asOf: '2026-01-02',
    };
    delete (data.models[4] as { lifecycle?: unknown }).lifecycle;
    const problems = problemsOf(() => ModelRegistry.fromData(data));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'models[0].capabilities' }));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'models[1].capabilities' }));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'models[2].lifecycle.status' }));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'models[3].lifecycle.replacement' }));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'models[4].lifecycle' }));
  });

  it('fails when a replacement is not in the registry, or is itself retired', () => {
    const data = clone(modelsData);
    const retired = (replacement: string) => ({
      status: 'retired',
      date: '2026-01-01',
      replacement,
      source: 'https://example.com/deprecations',
      asOf: '2026-01-02',
    });
    (data.models[0] as { lifecycle: unknown }).lifecycle = retired('no.such-model-v1:0');
    (data.models[1] as { lifecycle: unknown }).lifecycle = retired(data.models[2]?.id ?? '');
    (data.models[2] as { lifecycle: unknown }).lifecycle = retired(data.models[5]?.id ?? '');
    const problems = problemsOf(() => ModelRegistry.fromData(data));
    expect(problems).toContainEqual(
      expect.objectContaining({
        path: 'models[0].lifecycle.replacement',
        message: expect.stringMatching(/not a model/),
      }),
    );
    expect(problems).toContainEqual(
      expect.objectContaining({
        path: 'models[1].lifecycle.replacement',
        message: expect.stringMatching(/not retired/),
      }),
    );
    expect(problems.filter((p) => p.path === 'models[2].lifecycle.replacement')).toEqual([]);
  });

  it('gives every legacy or retired model a dated, sourced lifecycle', () => {
    for (const m of models) {
      if (m.lifecycle.status === 'active') continue;
      expect(m.lifecycle.source, m.id).toMatch(/^https:\/\//);
      if (m.lifecycle.status === 'retired')
        expect(registry.find(m.lifecycle.replacement), m.id).toBeDefined();
    }
  });

  it('has every capability present on at least one model', () => {
    for (const c of Capability.options)
      expect(
        models.some((m) => m.capabilities.includes(c)),
        c,
      ).toBe(true);
  });
});

describe('registry-data/tools.json', () => {
  const registry = ToolRegistry.fromData(toolsData);
  const tools = registry.all();

  it('parses with the schema the code uses and holds at least 50 tools across every category', () => {
    expect(tools.length).toBeGreaterThanOrEqual(50);
    for (const category of ToolCategory.options)
      expect(
        tools.some((t) => t.category === category),
        category,
      ).toBe(true);
  });

  it('declares valid version ranges for every dependency, in its ecosystem', () => {
    for (const tool of tools) {
      for (const dep of tool.implementations.typescript?.dependencies ?? []) {
        expect(npmRanges.isValid(dep.range), `${tool.id}: ${dep.name}@${dep.range}`).toBe(true);
      }
      for (const dep of tool.implementations.python?.dependencies ?? []) {
        expect(pipRanges.isValid(dep.range), `${tool.id}: ${dep.name}${dep.range}`).toBe(true);
      }
    }
  });

  it('implements every tool on the Strands SDK of its language', () => {
    for (const tool of tools) {
      const ts = tool.implementations.typescript;
      const py = tool.implementations.python;
      if (ts)
        expect(
          ts.dependencies.map((d) => d.name),
          tool.id,
        ).toContain('@strands-agents/sdk');
      if (py)
        expect(
          py.dependencies.some((d) => d.name.startsWith('strands-agents')),
          tool.id,
        ).toBe(true);
      expect(toolLanguages(tool).length).toBeGreaterThan(0);
    }
  });

  it('keeps every tool implementation resolvable together per language (no conflicts in the shipped data)', () => {
    for (const language of ['typescript', 'python'] as const) {
      const ids = registry.filter({ language }).map((t) => t.id);
      expect(ids.length).toBeGreaterThan(20);
      const merged = resolveDependencies(registry, ids, language);
      expect(merged.conflicts).toEqual([]);
      expect(merged.unsupported).toEqual([]);
    }
  });

  it('rejects a tool that refers to an unknown alternative or conflict', () => {
    const data = clone(toolsData);
    (data.tools[0] as { alternatives: string[] }).alternatives.push('no_such_tool');
    (data.tools[1] as { conflicts: unknown[] }).conflicts.push({
      tool: data.tools[1]?.id,
      severity: 'warning',
      reason: 'self',
    });
    const problems = problemsOf(() => ToolRegistry.fromData(data));
    expect(problems).toContainEqual(
      expect.objectContaining({
        path: expect.stringMatching(/^tools\[0\]\.alternatives\[\d+\]$/),
        message: expect.stringMatching(/no_such_tool/),
      }),
    );
    expect(problems).toContainEqual(
      expect.objectContaining({ path: expect.stringMatching(/^tools\[1\]\.conflicts\[\d+\]\.tool$/) }),
    );
  });

  it('rejects a bad entry with its index and field, including IAM rules', () => {
    const data = clone(toolsData);
    (data.tools[5] as { category: string }).category = 'magic';
    const withIam = data.tools.findIndex((t) => t.iam.length > 0);
    (data.tools[withIam] as { iam: { actions: string[] }[] }).iam[0] = {
      actions: ['s3:*'],
      resources: ['*'],
      why: 'because',
    } as never;
    const problems = problemsOf(() => ToolRegistry.fromData(data));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'tools[5].category' }));
    expect(problems).toContainEqual(expect.objectContaining({ path: `tools[${withIam}].iam[0].actions` }));
    expect(problems).toContainEqual(expect.objectContaining({ path: `tools[${withIam}].iam[0].why` }));
  });

  it('explains every "*" IAM resource and uses no wildcard action', () => {
    for (const tool of tools) {
      for (const statement of tool.iam) {
        expect(
          statement.actions.some((a) => a.includes('*')),
          tool.id,
        ).toBe(false);
        if (statement.resources.includes('*')) expect(statement.why, tool.id).toMatch(/requires/);
      }
    }
  });
});
