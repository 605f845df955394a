import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../lambdas/core/errors.ts';
import { compareModels } from '../../lambdas/models/compare.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { interpretUseCase, meetsNeed, recommendModels } from '../../lambdas/models/recommend.ts';
import { availableInRegion, invocationId, ModelRegistry } from '../../lambdas/models/registry.ts';
import type { ModelInfo } from '../../lambdas/models/schema.ts';
import { workloadCost } from '../../lambdas/models/workload.ts';
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
  it('reads tasks and requirements from free text, keeping the words that asked for each', () => {
    const r = interpretUseCase('An agent that reads scanned invoices and books refunds through our API');
    expect(r.strengths).toEqual(expect.arrayContaining(['vision', 'extraction', 'agents']));
    expect(r.requires).toEqual(expect.arrayContaining(['vision', 'tool-use']));
    expect(r.needs).toContainEqual({ need: 'vision', because: 'scanned invoices' });
    expect(interpretUseCase('hello there')).toEqual({ strengths: [], requires: [], needs: [] });
  });

  it('asks for reasoning for planning and maths, long context for long documents, low latency for chat and voice', () => {
    expect(interpretUseCase('plan delivery routes').needs.map((n) => n.need)).toContain('reasoning');
    expect(
      interpretUseCase('answer questions about our health plans').needs.map((n) => n.need),
    ).not.toContain('reasoning');
    expect(interpretUseCase('calculate insurance quotes').needs.map((n) => n.need)).toContain('reasoning');
    expect(interpretUseCase('answer from our 300-page employee handbook').needs.map((n) => n.need)).toContain(
      'long-context',
    );
    expect(interpretUseCase('a voice agent for the phone line').needs.map((n) => n.need)).toContain(
      'low-latency',
    );
  });
});

describe('recommendModels', () => {
  it('lists Bedrock models first, each with a score and reasons that start from the use case', () => {
    const result = recommendModels(registry, { useCase: 'coding agent', limit: 10 });
    const providers = result.recommendations.map((r) => r.model.provider);
    expect(providers.indexOf('openai')).toBeGreaterThan(providers.lastIndexOf('bedrock'));
    expect(result.recommendations[0]?.model.id).toBe('anthropic.smart-v1:0');
    for (const r of result.recommendations) {
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(100);
      expect(r.reasons[0]).toBe('Acts on "agent": supports tool use.');
    }
    expect(result.recommendations[0]?.reasons.join(' ')).toMatch(/Suits coding, agents and tool use/);
  });

  it('keeps only models with the required capabilities, read from the text or given', () => {
    const fromText = recommendModels(registry, { useCase: 'describe product photos', limit: 10 });
    expect(fromText.recommendations.map((r) => r.model.id)).toEqual(['anthropic.smart-v1:0']);
    expect(fromText.interpreted.requiredCapabilities).toContain('vision');
    expect(fromText.recommendations[0]?.reasons[0]).toBe('Reads photos: has vision.');
    const given = recommendModels(registry, { useCase: 'anything', requiredCapabilities: ['reasoning'] });
    expect(given.recommendations.map((r) => r.model.id)).toEqual(['anthropic.smart-v1:0']);
  });

  it('requires tool use whenever tools are chosen, and says which tools', () => {
    const result = recommendModels(registry, { useCase: 'summarise', tools: ['calculator'], limit: 10 });
    expect(result.recommendations.map((r) => r.model.id)).not.toContain('meta.text-only-v1:0');
    expect(result.interpreted.requiredCapabilities).toEqual(['tool-use']);
    expect(result.recommendations[0]?.reasons[0]).toBe(
      'Uses the chosen tools (calculator): supports tool use.',
    );
    const without = recommendModels(registry, { useCase: 'summarise', limit: 10 });
    expect(without.recommendations.map((r) => r.model.id)).toContain('meta.text-only-v1:0');
  });

  it('honours the caller’s provider instead of putting Bedrock first', () => {
    const result = recommendModels(registry, { useCase: 'coding agent', provider: 'openai' });
    expect(result.recommendations.map((r) => r.model.id)).toEqual(['gpt-test']);
    expect(result.assumptions.join(' ')).not.toMatch(/Bedrock models are listed first/);
  });

  it('marks models over budget and ranks them after those within it, costed on the given workload', () => {
    // Smart: 1,000 req × (1,000 × $3 + 500 × $15)/1M = $10.50; Cheap: 1,000 × (1,000 × 0.05 + 500 × 0.2)/1M = $0.15
    const workload = { requestsPerMonth: 1_000, avgInputTokens: 1_000, avgOutputTokens: 500 };
    const result = recommendModels(registry, { useCase: 'agent', budgetUsd: 10, workload, limit: 10 });
    const smart = result.recommendations.find((r) => r.model.id === 'anthropic.smart-v1:0');
    expect(smart?.withinBudget).toBe(false);
    expect(smart?.reasons).toContain('Over the $10 budget at 1,000 requests: $10.50/month.');
    expect(result.recommendations.at(-1)?.model.id).toBe('anthropic.smart-v1:0');
    const cheap = result.recommendations.find((r) => r.model.id === 'amazon.cheap-v1:0');
    expect(cheap?.monthlyCostUsd).toBe(0.15);
    expect(cheap?.withinBudget).toBe(true);
    expect(cheap?.reasons).toContain('Fits the $10 budget at 1,000 requests: $0.15/month.');
    const roomier = recommendModels(registry, { useCase: 'agent', budgetUsd: 11, workload, limit: 10 });
    expect(roomier.recommendations.find((r) => r.model.id === 'anthropic.smart-v1:0')?.withinBudget).toBe(
      true,
    );
  });

  it('says when nothing fits the budget, naming the cheapest option, and still shows the models marked', () => {
    const result = recommendModels(registry, {
      useCase: 'agent',
      provider: 'bedrock',
      budgetUsd: 0.000001,
      workload: { requestsPerMonth: 1_000_000, avgInputTokens: 1_000, avgOutputTokens: 1_000 },
    });
    expect(result.recommendations.length).toBeGreaterThan(0);
    expect(result.recommendations.every((r) => r.withinBudget === false)).toBe(true);
    expect(result.notes[0]).toMatch(/cheapest is Cheap/);
  });

  it('never recommends a retired model and ranks a legacy one below its active twin', () => {
    const twin = (id: string, lifecycle: ModelInfo['lifecycle']) =>
      makeModel({ id, name: id, strengths: ['chat'], lifecycle });
    const source = { source: 'https://example.com/deprecations', asOf: '2026-12-01' };
    const lifecycleRegistry = new ModelRegistry([
      twin('vendor.current-v1:0', { status: 'active' }),
      twin('vendor.legacy-v1:0', { status: 'legacy', replacement: 'vendor.current-v1:0', ...source }),
      twin('vendor.gone-v1:0', {
        status: 'retired',
        date: '2026-06-15',
        replacement: 'vendor.current-v1:0',
        ...source,
      }),
    ]);
    const result = recommendModels(lifecycleRegistry, { useCase: 'support', limit: 10 });
    expect(result.recommendations.map((r) => r.model.id)).toEqual([
      'vendor.current-v1:0',
      'vendor.legacy-v1:0',
    ]);
    expect(result.recommendations[1]?.lifecycle).toBe('legacy');
    expect(result.recommendations[1]?.reasons.join(' ')).toMatch(
      /Legacy model; its successor is vendor.current-v1:0/,
    );
    expect(result.notes.join(' ')).toMatch(/1 retired model/);
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

describe('recommendModels on the real registry: unlike use cases get unlike top picks', () => {
  const real = loadModelRegistry();
  const cases = [
    {
      useCase:
        'HR policy assistant that answers employee questions in chat from our 200-page policy handbook',
      tools: ['knowledge_base_retrieve'],
      workload: { requestsPerMonth: 5_000, avgInputTokens: 3_000, avgOutputTokens: 300 },
      budgetUsd: 30,
    },
    {
      useCase: 'Quote calculator: works out insurance quotes from the customer’s answers and our rate tables',
      tools: ['calculator'],
      workload: { requestsPerMonth: 20_000, avgInputTokens: 1_200, avgOutputTokens: 400 },
      budgetUsd: 100,
    },
    {
      useCase: 'Reads scanned invoices and receipts and extracts the line items',
      tools: [],
      workload: { requestsPerMonth: 50_000, avgInputTokens: 2_500, avgOutputTokens: 500 },
    },
    {
      useCase: 'Plans multi-step data analysis of quarterly sales reports',
      tools: ['python_repl'],
      workload: { requestsPerMonth: 2_000, avgInputTokens: 20_000, avgOutputTokens: 2_000 },
    },
    {
      useCase: 'Voice agent answering calls for a restaurant and booking tables',
      tools: ['http_request'],
      workload: { requestsPerMonth: 30_000, avgInputTokens: 800, avgOutputTokens: 150 },
    },
  ];
  const results = cases.map((c) => ({ c, result: recommendModels(real, { ...c, region: 'us-east-1' }) }));

  it('gives each top pick every capability the use case requires, and never a retired model', () => {
    for (const { c, result } of results) {
      const top = result.recommendations[0];
      if (!top) throw new Error(`no recommendation for ${c.useCase}`);
      for (const need of result.interpreted.needs) {
        expect(meetsNeed(top.model, need.need), `${c.useCase}: ${need.need}`).toBe(true);
      }
      if (c.tools.length > 0) expect(top?.model.capabilities).toContain('tool-use');
      expect(result.recommendations.every((r) => r.model.lifecycle.status !== 'retired')).toBe(true);
    }
  });

  it('picks different top models, and different top-five orders, for unlike use cases', () => {
    const tops = results.map(({ result }) => result.recommendations[0]?.model.id);
    expect(tops[0]).not.toBe(tops[1]); // the HR policy assistant and the quote calculator
    expect(new Set(tops).size).toBeGreaterThanOrEqual(3);
    const orders = results.map(({ result }) => result.recommendations.map((r) => r.model.id).join(','));
    expect(new Set(orders).size).toBe(orders.length);
  });

  it('writes reasons specific to the use case and the model, never the same first line for unlike use cases', () => {
    const [hr, quote] = results;
    expect(hr?.result.recommendations[0]?.reasons[0]).not.toBe(quote?.result.recommendations[0]?.reasons[0]);
    expect(hr?.result.interpreted.needs.map((n) => n.need)).toEqual(
      expect.arrayContaining(['tool-use', 'long-context', 'low-latency']),
    );
    expect(quote?.result.interpreted.needs.map((n) => n.need)).toEqual(
      expect.arrayContaining(['tool-use', 'reasoning']),
    );
    const budgetLine = hr?.result.recommendations[0]?.reasons.find((r) => r.includes('budget'));
    expect(budgetLine).toMatch(/^(Fits|Over) the \$30 budget at 5,000 requests: \$[\d,.]+\/month\.$/);
    for (const { result } of results) expect(result.recommendations[0]?.reasons[0]).not.toMatch(/^Good at/);
  });

  it('prices each pick on the session’s own workload with the cost estimate’s computation', () => {
    const [hr] = results;
    const top = hr?.result.recommendations[0];
    if (!top || !hr) throw new Error('no recommendation for the HR assistant');
    const expected = workloadCost(top.model, hr.c.workload).total;
    expect(top.monthlyCostUsd).toBe(Number(expected) / 1e6);
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
