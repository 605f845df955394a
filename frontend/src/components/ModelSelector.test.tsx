import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, makeSession, renderAt } from '../test/harness.tsx';
import { CAPABILITIES, type Comparison, type Model, type Recommendations } from '../types.ts';
import { filterModels, ModelSelector } from './ModelSelector.tsx';

const model = (id: string, name: string, overrides: Partial<Model> = {}): Model => ({
  id,
  name,
  provider: 'bedrock',
  vendor: 'Amazon',
  family: 'nova',
  description: `${name}, a model for tests`,
  pricing: { inputPerMTok: 0.06, outputPerMTok: 0.24, basis: 'on-demand, us-east-1' },
  contextWindow: 300_000,
  maxOutputTokens: 10_000,
  capabilities: ['tool-use', 'streaming'],
  strengths: [],
  tier: 'small',
  regions: ['us-east-1'],
  recommended: true,
  lifecycle: { status: 'active' },
  source: 'https://aws.amazon.com/bedrock/pricing/',
  asOf: '2025-11-01',
  ...overrides,
});

const models = [
  model('amazon.nova-lite-v1:0', 'Amazon Nova Lite', { capabilities: ['tool-use', 'streaming', 'vision'] }),
  model('amazon.nova-micro-v1:0', 'Amazon Nova Micro', {
    pricing: { inputPerMTok: 0.035, outputPerMTok: 0.14, basis: 'on-demand, us-east-1' },
  }),
  model('llama3.1:8b', 'Llama 3.1 8B', {
    provider: 'ollama',
    vendor: 'Meta',
    family: 'llama',
    pricing: { inputPerMTok: 0, outputPerMTok: 0, basis: 'runs locally' },
    regions: [],
    recommended: false,
  }),
  ...Array.from({ length: 5 }, (_, i) =>
    model(`vendor.extra-${i}`, `Extra ${i}`, { vendor: 'Other', family: 'extra' }),
  ),
];

function api() {
  return fakeApi([
    { path: /^\/api\/models$/, body: models },
    {
      path: /^\/api\/models\/recommend$/,
      body: {
        recommendations: [
          {
            model: model('amazon.nova-micro-v1:0', 'Amazon Nova Micro'),
            score: 81,
            reasons: ['Cheapest that can use tools.'],
            monthlyCostUsd: 1.12,
          },
        ],
        interpreted: { strengths: [], requiredCapabilities: ['tool-use'] },
        assumptions: [],
        notes: [],
      } satisfies Recommendations,
    },
    {
      method: 'POST',
      path: /^\/api\/models\/compare$/,
      body: ({ body }: { body: { ids: string[] } }): Comparison => ({
        models: body.ids.map((id) => {
          const m = models.find((each) => each.id === id) ?? model(id, id);
          return {
            id: m.id,
            name: m.name,
            provider: m.provider,
            vendor: m.vendor,
            tier: m.tier,
            pricing: m.pricing,
            contextWindow: m.contextWindow,
            maxOutputTokens: m.maxOutputTokens,
            capabilities: Object.fromEntries(
              CAPABILITIES.map((c) => [c, c === 'vision' ? id.includes('lite') : m.capabilities.includes(c)]),
            ) as Comparison['models'][number]['capabilities'],
            monthlyCost: { inputUsd: 0.5, outputUsd: 0.5, totalUsd: 1 },
          };
        }),
        workload: { requestsPerMonth: 10_000, avgInputTokens: 1_000, avgOutputTokens: 300 },
        workloadDescription: '10,000 requests/month',
        cheapest: body.ids[0] ?? '',
        largestContext: body.ids[0] ?? '',
        differences: ['vision'],
      }),
    },
    {
      method: 'PATCH',
      path: /^\/api\/sessions\/s1$/,
      body: makeSession({ version: 4, selections: { model: 'amazon.nova-micro-v1:0' } }),
    },
  ]);
}

describe('ModelSelector', () => {
  it('filters by provider, capability, price and words', () => {
    const none = { search: '', provider: '', capabilities: [], maxInputPrice: '' };
    expect(filterModels(models, { ...none, provider: 'ollama' }).map((m) => m.id)).toEqual(['llama3.1:8b']);
    expect(filterModels(models, { ...none, capabilities: ['vision'] }).map((m) => m.id)).toEqual([
      'amazon.nova-lite-v1:0',
    ]);
    expect(filterModels(models, { ...none, maxInputPrice: '0.04' }).map((m) => m.id)).toEqual([
      'amazon.nova-micro-v1:0',
      'llama3.1:8b',
    ]);
    expect(filterModels(models, { ...none, search: 'NOVA micro' }).map((m) => m.id)).toEqual([
      'amazon.nova-micro-v1:0',
    ]);
  });

  it('recommends for the use case and selects a model for the session', async () => {
    const { calls } = api();
    renderAt(<ModelSelector session={makeSession({ phase: 'ARCHITECTURE' })} />);
    const recommendations = await screen.findByRole('heading', { name: /Recommended for/ });
    expect(recommendations).toHaveTextContent('Answer refund questions');
    expect(await screen.findByText('81/100')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Use this' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({
        version: 3,
        selections: { model: 'amazon.nova-micro-v1:0' },
      }),
    );
    expect(calls.find((c) => c.path.startsWith('/api/models/recommend'))?.path).toContain(
      'useCase=Answer+refund',
    );
  });

  it('searches after the builder pauses typing, in a virtualised list', async () => {
    api();
    renderAt(<ModelSelector session={makeSession()} />);
    expect(await screen.findByText('8 of 8 models')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Search'), 'llama');
    expect(screen.getByText('8 of 8 models')).toBeInTheDocument(); // not yet: the search waits for a pause
    expect(await screen.findByText('1 of 8 models')).toBeInTheDocument();
    expect(screen.getByRole('article', { name: 'Llama 3.1 8B' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'List' }));
    expect(screen.getByRole('button', { name: 'List' })).toHaveAttribute('aria-pressed', 'true');
  });

  it('compares up to five models side by side', async () => {
    api();
    renderAt(<ModelSelector session={makeSession()} />);
    await screen.findByText('8 of 8 models');
    const boxes = screen.getAllByRole('checkbox', { name: 'Compare' });
    for (const box of boxes.slice(0, 5)) await userEvent.click(box);
    expect(screen.getByRole('heading', { name: 'Compare (5/5)' })).toBeInTheDocument();
    expect(boxes[5]).toBeDisabled();
    const table = await screen.findByRole('table');
    expect(within(table).getAllByRole('row')).toHaveLength(6);
    expect(within(table).getByText('10,000 requests/month')).toBeInTheDocument();
  });
});
