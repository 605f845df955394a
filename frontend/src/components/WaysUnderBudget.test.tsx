import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { context, fakeApi, renderAt } from '../test/harness.tsx';
import type { CostEstimate } from '../types.ts';
import { WaysUnderBudget } from './WaysUnderBudget.tsx';

const workload = { requestsPerMonth: 5000, avgInputTokens: 800, avgOutputTokens: 200, avgDurationSeconds: 2 };
const spec = { ...context.spec, usage: workload, budget: { monthlyUsd: 20 } };

function estimate(overBudget: boolean): CostEstimate {
  return {
    currency: 'USD',
    region: 'us-east-1',
    target: 'lambda',
    monthly: { model: 54, compute: 8.5, storageOther: 0.38, total: 62.88 },
    annual: 754.56,
    lineItems: [],
    freeTierSavings: 0,
    assumptions: [],
    optimizations: [],
    budget: {
      monthlyUsd: 20,
      overBudget,
      gapUsd: overBudget ? 42.88 : -10,
      toMeetBudget: [],
      waysUnder: overBudget
        ? [
            {
              kind: 'fewer-requests',
              text: 'fewer requests: under budget at ≤ 1,420 requests/month (now 5,000)',
              value: 1420,
              monthlyUsd: 19.99,
            },
            {
              kind: 'cheaper-model',
              text: 'a cheaper model: under budget with Amazon Nova Micro ($9.88/month in total)',
              value: 'amazon.nova-micro-v1:0',
              monthlyUsd: 9.88,
            },
          ]
        : [],
    },
  };
}

describe('WaysUnderBudget', () => {
  it('names, for a compared model over budget, by how much and each change that brings it under', async () => {
    const { calls } = fakeApi([{ method: 'POST', path: /^\/api\/cost-estimate$/, body: estimate(true) }]);
    renderAt(
      <ul>
        <WaysUnderBudget
          spec={spec}
          workload={workload}
          model={{ id: 'anthropic.claude-sonnet-4-5-20250929-v1:0', name: 'Claude Sonnet 4.5' }}
        />
      </ul>,
    );
    const hint = await screen.findByTestId('ways-under');
    expect(hint).toHaveTextContent('Claude Sonnet 4.5 is over your $20.00 budget by $42.88. Under it with:');
    expect(hint).toHaveTextContent('fewer requests: under budget at ≤ 1,420 requests/month (now 5,000)');
    expect(hint).toHaveTextContent(
      'a cheaper model: under budget with Amazon Nova Micro ($9.88/month in total)',
    );
    // The platform's estimate for that model, the session's workload and budget: one piece of code decides.
    expect(calls.find((c) => c.path === '/api/cost-estimate')?.body).toMatchObject({
      model: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
      usage: workload,
      budget: { monthlyUsd: 20 },
    });
  });

  it('says nothing for a model within budget', async () => {
    const { calls } = fakeApi([{ method: 'POST', path: /^\/api\/cost-estimate$/, body: estimate(false) }]);
    renderAt(
      <ul>
        <WaysUnderBudget
          spec={spec}
          workload={workload}
          model={{ id: 'amazon.nova-micro-v1:0', name: 'Nova Micro' }}
        />
      </ul>,
    );
    await expect.poll(() => calls.length).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId('ways-under')).not.toBeInTheDocument();
  });
});
