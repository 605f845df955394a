import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { context, fakeApi, makeSession, renderAt } from '../test/harness.tsx';
import type { CostEstimate } from '../types.ts';
import { CostEstimator } from './CostEstimator.tsx';

const estimate = (requests: number): CostEstimate => ({
  currency: 'USD',
  region: 'us-east-1',
  target: 'lambda',
  monthly: { model: requests / 1000, compute: 0, storageOther: 0, total: requests / 1000 },
  annual: (requests / 1000) * 12,
  lineItems: [
    {
      category: 'model',
      service: 'Amazon Bedrock',
      what: 'input tokens',
      quantity: 1,
      unit: 'token',
      unitPrice: { usd: 0.8, per: 1_000_000, unit: 'token' },
      costUsd: requests / 1000,
      freeTierUnits: 0,
      freeTierSavingsUsd: 0,
      priceId: 'bedrock.amazon.nova-pro-v1:0.input',
    },
    {
      category: 'compute',
      service: 'AWS Lambda',
      what: 'requests',
      quantity: 1,
      unit: 'request',
      unitPrice: { usd: 0.2, per: 1_000_000, unit: 'request' },
      costUsd: 0,
      freeTierUnits: 1,
      freeTierSavingsUsd: 0.006,
      priceId: 'lambda.requests.arm64',
    },
  ],
  freeTierSavings: 1.2,
  assumptions: ['Model prices: us-east-1 on-demand.'],
  optimizations: [
    {
      id: 'smaller-model',
      title: 'Use the smaller Amazon Nova Micro',
      savingUsd: 3.5,
      tradeoff: 'Less capable.',
      patch: { model: 'amazon.nova-micro-v1:0' },
    },
    { id: 'batch-inference', title: 'Use batch inference', savingUsd: 1, tradeoff: 'Asynchronous.' },
  ],
});

describe('CostEstimator', () => {
  it('compares the estimate with the budget and names what brings it under', async () => {
    const { calls } = fakeApi([
      {
        path: /\/context$/,
        body: {
          ...context,
          spec: {
            ...context.spec,
            usage: {
              requestsPerMonth: 5000,
              avgInputTokens: 1000,
              avgOutputTokens: 300,
              avgDurationSeconds: 3,
            },
            budget: { monthlyUsd: 3 },
          },
        },
      },
      {
        method: 'POST',
        path: /^\/api\/cost-estimate$/,
        body: {
          ...estimate(5000),
          budget: {
            monthlyUsd: 3,
            overBudget: true,
            gapUsd: 2,
            toMeetBudget: ['smaller-model'],
            waysUnder: [],
          },
        },
      },
    ]);
    renderAt(<CostEstimator session={makeSession()} />);
    const alert = await screen.findByText(/Over your \$3\.00\/month budget by \$2\.00/);
    expect(alert).toHaveTextContent('Applying Use the smaller Amazon Nova Micro brings it under.');
    await waitFor(() =>
      expect(calls.filter((c) => c.path === '/api/cost-estimate').at(-1)?.body).toMatchObject({
        usage: { requestsPerMonth: 5000 },
        budget: { monthlyUsd: 3 },
      }),
    );
  });

  it('shows the monthly total, annual projection, free tier savings and the breakdown chart', async () => {
    fakeApi([
      {
        path: /\/context$/,
        body: {
          ...context,
          spec: {
            ...context.spec,
            usage: {
              requestsPerMonth: 20000,
              avgInputTokens: 1000,
              avgOutputTokens: 300,
              avgDurationSeconds: 3,
            },
          },
        },
      },
      {
        method: 'POST',
        path: /^\/api\/cost-estimate$/,
        body: ({ body }: { body: { usage: { requestsPerMonth: number } } }) =>
          estimate(body.usage.requestsPerMonth),
      },
    ]);
    renderAt(<CostEstimator session={makeSession()} />);
    expect(await screen.findByTestId('monthly-total')).toHaveTextContent('$20.00');
    expect(screen.getByText('$240.00')).toBeInTheDocument();
    expect(screen.getByText('$1.20/month')).toBeInTheDocument();
    expect(
      await screen.findByRole('img', { name: /Amazon Bedrock \$20\.00, AWS Lambda \$0\.00/ }),
    ).toBeInTheDocument();
  });

  it('updates live as the volume changes, reads it as people type it, and saves it with the agent', async () => {
    const { calls } = fakeApi([
      { path: /\/context$/, body: context },
      { method: 'PATCH', path: /^\/api\/sessions\/s1$/, body: makeSession({ version: 4 }) },
      {
        method: 'POST',
        path: /^\/api\/cost-estimate$/,
        body: ({ body }: { body: { usage: { requestsPerMonth: number } } }) =>
          estimate(body.usage.requestsPerMonth),
      },
    ]);
    renderAt(<CostEstimator session={makeSession()} />);
    expect(await screen.findByTestId('monthly-total')).toHaveTextContent('$10.00');
    const requests = screen.getByLabelText('Requests per month');
    await userEvent.clear(requests);
    await userEvent.type(requests, '50k');
    await waitFor(() => expect(screen.getByTestId('monthly-total')).toHaveTextContent('$50.00'));
    expect(calls.filter((c) => c.path === '/api/cost-estimate').at(-1)?.body).toMatchObject({
      model: 'amazon.nova-pro-v1:0',
      deployment: { target: 'lambda' },
      usage: { requestsPerMonth: 50000, avgInputTokens: 1000, avgOutputTokens: 300 },
    });
    await waitFor(() =>
      expect(calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toEqual({
        version: 3,
        selections: { usage: { requestsPerMonth: 50000 } },
      }),
    );
    await userEvent.clear(requests);
    await userEvent.type(requests, '-5');
    expect(await screen.findByText('Must be at least 1')).toBeInTheDocument();
  });

  it('applies an optimisation to the selection; advice without a spec change has no button', async () => {
    const { calls } = fakeApi([
      { path: /\/context$/, body: context },
      { method: 'POST', path: /^\/api\/cost-estimate$/, body: estimate(10000) },
      { method: 'PATCH', path: /^\/api\/sessions\/s1$/, body: makeSession({ version: 4 }) },
    ]);
    renderAt(<CostEstimator session={makeSession()} />);
    await screen.findByText('Use the smaller Amazon Nova Micro');
    expect(screen.getAllByRole('button', { name: 'Apply' })).toHaveLength(1);
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({
        version: 3,
        selections: { model: 'amazon.nova-micro-v1:0' },
      }),
    );
  });

  it('asks for a model first when there is none', async () => {
    fakeApi([{ path: /\/context$/, body: { ...context, spec: { ...context.spec, model: '' } } }]);
    renderAt(<CostEstimator session={makeSession()} />);
    expect(await screen.findByText(/Choose a model first/)).toBeInTheDocument();
  });
});
