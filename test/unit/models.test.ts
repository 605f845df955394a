import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../lambdas/core/errors.ts';
import { compareModels } from '../../lambdas/models/compare.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { interpretUseCase, recommendModels } from '../../lambdas/models/recommend.ts';
import { availableInRegion, invocationId, ModelRegistry } from '../../lambdas/models/registry.ts';
import { makeModel } from '../fixtures.ts';

const registry = new ModelRegistry([
  makeModel({
    id: 'amazon.cheap-v1:0',
    name: 'Cheap',
    pricing: { inputPerMTok: 0.05, outputPerMTok: 0.2, basis: 't' },
    strengths: ['classification', 'low-cost'],
    tier: 'small',
  }),
  makeModel({
    id: 'anthropic.smart-v1:0',
    name: 'Smart',
    vendor: 'Anthropic',
    pricing: { inputPerMTok: 3, outputPerMTok: 15, basis: 't' },
    capabilities: ['tool-use', 'streaming', 'vision', 'reasoning'],
    strengths: ['coding', 'agents', 'vision'],
    tier: 'frontier',
    contextWindow: 200_000,
    regions: [],
    inferenceProfile: { geographies: ['us', 'eu'], required: true },
  }),
  makeModel({
    id: 'meta.text-only-v1:0',
    name: 'Text only',
    capabilities: ['streaming'],
    regions: ['us-west-2'],
    strengths: ['summarization'],
  }),
  makeModel({
    id: 'gpt-test',
    provider: 'openai',
    vendor: 'OpenAI',
    name: 'GPT test',
    regions: [],
    recommended: false,
    pricing: { inputPerMTok: 0.1, outputPerMTok: 0.4, basis: 't' },
    strengths: ['coding', 'agents'],
    tier: 'large',
  }),
  makeModel({
    id: 'local:1b',
    provider: 'ollama',
    vendor: 'Meta',
    name: 'Local',
    regions: [],
    recommended: false,
    pricing: { inputPerMTok: 0, outputPerMTok: 0, basis: 'local' },
    strengths: ['chat'],
    tier: 'small',
  }),
]);

describe('ModelRegistry', () => {
  it('gets a model by id and explains an unknown id with close matches', () => {
    expect(registry.get('amazon.cheap-v1:0').name).toBe('Cheap');
    expect(() => registry.get('cheap')).toThrow(NotFoundError);
    expect(() => registry.get('cheap')).toThrow(/did you mean "amazon.cheap-v1:0"/);
    expect(registry.find('nope')).toBeUndefined();
  });

  it('filters by provider, capability, price, context, region and text, combined with AND', () => {
    const ids = (f: Parameters<ModelRegistry['filter']>[0]) => registry.filter(f).map((m) => m.id);
    expect(ids({ provider: 'openai' })).toEqual(['gpt-test']);
    expect(ids({ capabilities: ['vision', 'reasoning'] })).toEqual(['anthropic.smart-v1:0']);
    expect(ids({ maxInputPrice: 0.1 })).toEqual(['amazon.cheap-v1:0', 'gpt-test', 'local:1b']);
    expect(ids({ maxOutputPrice: 0.2, provider: 'bedrock' })).toEqual(['amazon.cheap-v1:0']);
    expect(ids({ minContext: 150_000 })).toEqual(['anthropic.smart-v1:0']);
    expect(ids({ search: 'TEXT' })).toEqual(['meta.text-only-v1:0']);
    expect(ids({ region: 'us-west-2', provider: 'bedrock' })).toEqual([
      'anthropic.smart-v1:0',
      'meta.text-only-v1:0',
    ]);
    expect(ids({ region: 'eu-west-1', provider: 'bedrock' })).toEqual(['anthropic.smart-v1:0']);
    expect(ids({})).toHaveLength(5);
  });

  it('treats inference profiles as regional availability and picks the profile id to invoke', () => {
    const smart = registry.get('anthropic.smart-v1:0');
    expect(availableInRegion(smart, 'ap-southeast-2')).toBe(false);
    expect(invocationId(smart, 'us-east-1')).toBe('us.anthropic.smart-v1:0');
    expect(invocationId(smart, 'eu-central-1')).toBe('eu.anthropic.smart-v1:0');
    expect(invocationId(registry.get('amazon.cheap-v1:0'), 'us-east-1')).toBe('amazon.cheap-v1:0');
    expect(invocationId(registry.get('gpt-test'))).toBe('gpt-test');
  });

  it('uses the real profile ids for Claude 4.5 on Bedrock', () => {
    const real = loadModelRegistry();
    expect(invocationId(real.get('anthropic.claude-sonnet-4-5-20250929-v1:0'), 'us-east-1')).toBe(
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    );
    expect(invocationId(real.get('amazon.nova-pro-v1:0'), 'us-east-1')).toBe('amazon.nova-pro-v1:0');
  });
});

describe('interpretUseCase', () => {
  it('reads tasks and hard requirements from free text', () => {
    const r = interpretUseCase(
      'An agent that reads screenshots of invoices and books refunds through our API',
    );
    expect(r.strengths).toEqual(expect.arrayContaining(['vision', 'extraction', 'agents']));
    expect(r.requires).toEqual(expect.arrayContaining(['vision', 'tool-use']));
    expect(interpretUseCase('hello there')).toEqual({ strengths: [], requires: [] });
  });
});

describe('recommendModels', () => {
  it('lists Bedrock models first, each with a score and plain-language reasons', () => {
    const result = recommendModels(registry, { useCase: 'coding agent', limit: 10 });
    const providers = result.recommendations.map((r) => r.model.provider);
    expect(providers.indexOf('openai')).toBeGreaterThan(providers.lastIndexOf('bedrock'));
    expect(result.recommendations[0]?.model.id).toBe('anthropic.smart-v1:0');
    for (const r of result.recommendations) {
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(100);
      expect(r.reasons.length).toBeGreaterThan(0);
    }
    expect(result.recommendations[0]?.reasons[0]).toMatch(/coding/);
  });

  it('keeps only models with the required capabilities, read from the text or given', () => {
    const fromText = recommendModels(registry, { useCase: 'describe product photos', limit: 10 });
    expect(fromText.recommendations.map((r) => r.model.id)).toEqual(['anthropic.smart-v1:0']);
    expect(fromText.interpreted.requiredCapabilities).toContain('vision');
    const given = recommendModels(registry, { useCase: 'anything', requiredCapabilities: ['reasoning'] });
    expect(given.recommendations.map((r) => r.model.id)).toEqual(['anthropic.smart-v1:0']);
  });

  it('honours the caller’s provider instead of putting Bedrock first', () => {
    const result = recommendModels(registry, { useCase: 'coding agent', provider: 'openai' });
    expect(result.recommendations.map((r) => r.model.id)).toEqual(['gpt-test']);
    expect(result.assumptions.join(' ')).not.toMatch(/Bedrock models are listed first/);
  });

  it('drops models over budget, computing cost from the workload', () => {
    // Smart: 1,000 req × (1,000 × $3 + 500 × $15)/1M = $10.50; Cheap: 1,000 × (1,000 × 0.05 + 500 × 0.2)/1M = $0.15
    const workload = { requestsPerMonth: 1_000, avgInputTokens: 1_000, avgOutputTokens: 500 };
    const result = recommendModels(registry, { useCase: 'agent', budgetUsd: 10, workload, limit: 10 });
    const ids = result.recommendations.map((r) => r.model.id);
    expect(ids).not.toContain('anthropic.smart-v1:0');
    const cheap = result.recommendations.find((r) => r.model.id === 'amazon.cheap-v1:0');
    expect(cheap?.monthlyCostUsd).toBe(0.15);
    expect(
      recommendModels(registry, { useCase: 'agent', budgetUsd: 11, workload, limit: 10 }).recommendations.map(
        (r) => r.model.id,
      ),
    ).toContain('anthropic.smart-v1:0');
  });

  it('says why nothing came back when nothing fits the budget, naming the cheapest option', () => {
    const result = recommendModels(registry, {
      useCase: 'agent',
      provider: 'bedrock',
      budgetUsd: 0.000001,
      workload: { requestsPerMonth: 1_000_000, avgInputTokens: 1_000, avgOutputTokens: 1_000 },
    });
    expect(result.recommendations).toEqual([]);
    expect(result.notes[0]).toMatch(/cheapest is Cheap/);
  });

  it('states the default workload it assumed', () => {
    const result = recommendModels(registry, { useCase: 'chat' });
    expect(result.assumptions[0]).toMatch(/10,000 requests\/month/);
  });

  it('ranks cheaper models higher for classification at volume', () => {
    const result = recommendModels(registry, {
      useCase: 'classify a million support emails cheaply',
      provider: 'bedrock',
    });
    expect(result.recommendations[0]?.model.id).toBe('amazon.cheap-v1:0');
  });

  it('rejects a need that is not valid, listing every problem', () => {
    try {
      recommendModels(registry, { useCase: '  ', budgetUsd: -5, limit: 0 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const paths = (error as ValidationError).errors.map((e) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['useCase', 'budgetUsd', 'limit']));
    }
  });

  it('recommends a Bedrock model with tool use for a support agent on the real registry', () => {
    const result = recommendModels(loadModelRegistry(), {
      useCase: 'customer support agent that looks up orders through our API',
    });
    const top = result.recommendations[0]?.model;
    expect(top?.provider).toBe('bedrock');
    expect(top?.capabilities).toContain('tool-use');
  });
});

describe('compareModels', () => {
  it('compares side by side and prices the same workload on each', () => {
    const workload = { requestsPerMonth: 2_000, avgInputTokens: 500, avgOutputTokens: 250 };
    const result = compareModels(registry, { ids: ['anthropic.smart-v1:0', 'amazon.cheap-v1:0'], workload });
    // Smart: 1,000,000 in × $3/1M = $3; 500,000 out × $15/1M = $7.50 → $10.50
    expect(result.models[0]?.monthlyCost).toEqual({ inputUsd: 3, outputUsd: 7.5, totalUsd: 10.5 });
    // Cheap: 1,000,000 × $0.05/1M = $0.05; 500,000 × $0.2/1M = $0.10 → $0.15
    expect(result.models[1]?.monthlyCost).toEqual({ inputUsd: 0.05, outputUsd: 0.1, totalUsd: 0.15 });
    expect(result.cheapest).toBe('amazon.cheap-v1:0');
    expect(result.largestContext).toBe('anthropic.smart-v1:0');
    expect(result.differences).toEqual(['vision', 'reasoning']);
    expect(result.models[0]?.capabilities.vision).toBe(true);
    expect(result.models[1]?.capabilities.vision).toBe(false);
  });

  it('accepts 2 to 5 distinct ids only, and names unknown ids', () => {
    expect(() => compareModels(registry, { ids: ['amazon.cheap-v1:0'] })).toThrow(ValidationError);
    expect(() => compareModels(registry, { ids: ['a', 'b', 'c', 'd', 'e', 'f'] })).toThrow(/not valid/);
    expect(() => compareModels(registry, { ids: ['amazon.cheap-v1:0', 'amazon.cheap-v1:0'] })).toThrow(
      ValidationError,
    );
    expect(() => compareModels(registry, { ids: ['amazon.cheap-v1:0', 'nope-model'] })).toThrow(
      NotFoundError,
    );
  });
});
