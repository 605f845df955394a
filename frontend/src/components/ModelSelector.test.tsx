import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { context, fakeApi, makeSession, renderAt } from '../test/harness.tsx';
import {
  CAPABILITIES,
  type Comparison,
  type CostEstimate,
  type Model,
  type Recommendations,
} from '../types.ts';
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
  model('amazon.titan-text-old-v1', 'Titan Text Old', {
    lifecycle: {
      status: 'retired',
      date: '2026-03-01',
      replacement: 'amazon.nova-micro-v1:0',
      source: 'https://example.com/deprecations',
      asOf: '2026-12-01',
    },
  }),
  ...Array.from({ length: 5 }, (_, i) =>
    model(`vendor.extra-${i}`, `Extra ${i}`, { vendor: 'Other', family: 'extra' }),
  ),
];

/** The session's spec: its workload and budget, and the estimate of the whole agent for them. */
const sessionCosts = [
  {
    path: /\/context$/,
    body: {
      ...context,
      spec: {
        ...context.spec,
        usage: { requestsPerMonth: 5000, avgInputTokens: 800, avgOutputTokens: 200, avgDurationSeconds: 2 },
        budget: { monthlyUsd: 20 },
      },
    },
  },
  {
    method: 'POST',
    path: /^\/api\/cost-estimate$/,
    body: {
      currency: 'USD',
      region: 'us-east-1',
      target: 'lambda',
      monthly: { model: 1.12, compute: 8.5, storageOther: 0.38, total: 10 },
      annual: 120,
      lineItems: [],
      freeTierSavings: 0,
      assumptions: [],
      optimizations: [],
    } satisfies CostEstimate,
  },
];

function api() {
  return fakeApi([
    ...sessionCosts,
    { path: /^\/api\/models$/, body: models },
    {
      path: /^\/api\/models\/recommend$/,
      body: {
        recommendations: [
          {
            model: model('amazon.nova-micro-v1:0', 'Amazon Nova Micro'),
            score: 81,
            reasons: ['Uses the chosen tools (calculator): supports tool use.'],
            monthlyCostUsd: 1.12,
            withinBudget: true,
            lifecycle: 'active',
          },
          {
            model: model('anthropic.claude-sonnet-4-5-20250929-v1:0', 'Claude Sonnet 4.5', {
              lifecycle: {
                status: 'legacy',
                replacement: 'amazon.nova-micro-v1:0',
                source: 'https://example.com/deprecations',
                asOf: '2026-12-01',
              },
            }),
            score: 60,
            reasons: ['Over the $1 budget at 10,000 requests: $54.00/month.'],
            monthlyCostUsd: 54,
            withinBudget: false,
            lifecycle: 'legacy',
          },
        ],
        interpreted: {
          strengths: [],
          requiredCapabilities: ['tool-use'],
          needs: [{ need: 'tool-use', because: 'uses the chosen tools (calculator)' }],
        },
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
    await userEvent.click(screen.getAllByRole('button', { name: 'Use this' })[0] as HTMLElement);
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
    expect(await screen.findByText('8 of 9 models')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Search'), 'llama');
    expect(screen.getByText('8 of 9 models')).toBeInTheDocument(); // not yet: the search waits for a pause
    expect(await screen.findByText('1 of 9 models')).toBeInTheDocument();
    expect(screen.getByRole('article', { name: 'Llama 3.1 8B' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'List' }));
    expect(screen.getByRole('button', { name: 'List' })).toHaveAttribute('aria-pressed', 'true');
  });

  it('shows lifecycle badges, hides retired models until asked, and marks over-budget recommendations', async () => {
    api();
    renderAt(<ModelSelector session={makeSession({ selections: { tools: ['calculator'] } })} />);
    expect(await screen.findByText('8 of 9 models')).toBeInTheDocument();
    expect(screen.queryByRole('article', { name: 'Titan Text Old' })).not.toBeInTheDocument();
    const micro = screen.getByRole('article', { name: 'Amazon Nova Micro' });
    expect(within(micro).getByText('active')).toHaveClass('badge', 'lifecycle', 'active');
    await userEvent.click(screen.getByRole('checkbox', { name: 'Show retired models' }));
    expect(await screen.findByText('9 of 9 models')).toBeInTheDocument();
    const retired = screen.getByRole('article', { name: 'Titan Text Old' });
    expect(within(retired).getByText('retired')).toHaveAttribute(
      'title',
      'Retired on 2026-03-01; use amazon.nova-micro-v1:0 instead',
    );
    const recommended = screen.getByRole('region', { name: /Recommended for/ });
    expect(await within(recommended).findByText('legacy')).toBeInTheDocument();
    // The model's cost, and the agent's total with compute and the rest ($8.88) for the session's workload.
    expect(
      within(recommended)
        .getAllByTestId('recommendation-total')
        .map((e) => e.textContent),
    ).toEqual(['$10.00', '$62.88']);
    expect(within(recommended).getByText('over budget by $42.88')).toBeInTheDocument();
    expect(
      within(recommended).getByText(/Amazon Nova Micro fits it at \$10\.00\/month in total/),
    ).toBeInTheDocument();
    expect(within(recommended).getByText(/5,000 requests\/month, 800 input \+ 200/)).toHaveTextContent(
      'totals add $8.88/month of compute and other services on lambda',
    );
    expect(
      within(recommended).getByText('Uses the chosen tools (calculator): supports tool use.'),
    ).toBeInTheDocument();
  });

  it('asks for recommendations with the session’s tools', async () => {
    const { calls } = api();
    renderAt(
      <ModelSelector session={makeSession({ selections: { tools: ['calculator', 'current_time'] } })} />,
    );
    await screen.findByText('81/100');
    const recommend = await waitFor(() => {
      const found = calls.filter((c) => c.path.startsWith('/api/models/recommend')).at(-1)?.path ?? '';
      expect(found).toContain('budget=');
      return new URL(found, 'http://api.test').searchParams;
    });
    expect(recommend.get('tools')).toBe('calculator,current_time');
    // The session's own workload, and what its $20 budget leaves for the model after $8.88 of the rest.
    expect([recommend.get('requests'), recommend.get('inputTokens'), recommend.get('outputTokens')]).toEqual([
      '5000',
      '800',
      '200',
    ]);
    expect(Number(recommend.get('budget'))).toBeCloseTo(11.12, 6);
  });

  it('compares up to five models side by side, for the session’s workload, with the total of each', async () => {
    const { calls } = api();
    renderAt(<ModelSelector session={makeSession()} />);
    await screen.findByText('8 of 9 models');
    const boxes = screen.getAllByRole('checkbox', { name: 'Compare' });
    for (const box of boxes.slice(0, 5)) await userEvent.click(box);
    expect(screen.getByRole('heading', { name: 'Compare (5/5)' })).toBeInTheDocument();
    expect(boxes[5]).toBeDisabled();
    const table = await screen.findByRole('table');
    expect(within(table).getAllByRole('row')).toHaveLength(6);
    expect(within(table).getByText('10,000 requests/month')).toBeInTheDocument();
    expect(within(table).getAllByTestId('compare-total')[0]).toHaveTextContent('$9.88');
    expect(calls.filter((c) => c.path === '/api/models/compare').at(-1)?.body).toMatchObject({
      workload: { requestsPerMonth: 5000, avgInputTokens: 800, avgOutputTokens: 200 },
    });
  });
});
