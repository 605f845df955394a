import { describe, expect, it } from 'vitest';
import { estimateCost } from '../../lambdas/cost/advise.ts';
import { loadPriceList } from '../../lambdas/cost/pricing.ts';
import { ModelRegistry } from '../../lambdas/models/registry.ts';
import { makeModel } from '../fixtures.ts';

// Round prices, so each figure can be checked by hand; compute on Lambda is the registry's.
const models = new ModelRegistry([
  makeModel({
    id: 'test.large-v1:0',
    name: 'Large',
    tier: 'large',
    pricing: { inputPerMTok: 1, outputPerMTok: 5, basis: 'test' },
  }),
  makeModel({
    id: 'test.small-v1:0',
    name: 'Small',
    tier: 'small',
    pricing: { inputPerMTok: 0.1, outputPerMTok: 0.4, basis: 'test' },
  }),
]);
const ctx = { models, prices: loadPriceList() };
const spec = (monthlyUsd: number, model = 'test.large-v1:0') => ({
  model,
  deployment: { target: 'lambda' as const },
  usage: { requestsPerMonth: 1_000_000, avgInputTokens: 1_000, avgOutputTokens: 300, avgDurationSeconds: 3 },
  budget: { monthlyUsd },
});
const micro = (usd: number) => Math.round(usd * 1e6);

describe('the ways under budget', () => {
  it('names the most requests, the longest answers and the cheaper model that each bring the total under', () => {
    // Large, 1M requests: tokens $1,000 + $1,500 = $2,500, plus Lambda compute.
    const e = estimateCost(spec(1_500), ctx);
    expect(e.budget?.overBudget).toBe(true);
    const ways = Object.fromEntries((e.budget?.waysUnder ?? []).map((w) => [w.kind, w]));
    const requests = ways['fewer-requests'];
    const tokens = ways['shorter-answers'];
    expect(requests?.text).toMatch(
      /^fewer requests: under budget at ≤ [\d,]+ requests\/month \(now 1,000,000\)$/,
    );
    expect(tokens?.text).toMatch(
      /^shorter answers: under budget at ≤ [\d,]+ output tokens per answer \(now 300\)$/,
    );
    expect(ways['cheaper-model']).toMatchObject({ value: 'test.small-v1:0' });
    expect(ways['cheaper-model']?.text).toMatch(
      /^a cheaper model: under budget with Small \(\$[\d,.]+\/month in total\)$/,
    );
    // Each figure is the largest that fits: one more is over the budget again.
    for (const [field, way] of [
      ['requestsPerMonth', requests],
      ['avgOutputTokens', tokens],
    ] as const) {
      const n = way?.value as number;
      const at = estimateCost({ ...spec(1_500), usage: { ...spec(1_500).usage, [field]: n } }, ctx);
      const over = estimateCost({ ...spec(1_500), usage: { ...spec(1_500).usage, [field]: n + 1 } }, ctx);
      expect(micro(at.monthly.total)).toBeLessThanOrEqual(micro(1_500));
      expect(micro(over.monthly.total)).toBeGreaterThan(micro(1_500));
      expect(way?.monthlyUsd).toBe(at.monthly.total);
    }
  });

  it('leaves out a change that cannot get under alone, and says nothing when within budget', () => {
    // $100: even answers of one token cost more (1M × 1,000 input tokens is $1,000 on Large).
    const tight = estimateCost(spec(100), ctx);
    const kinds = tight.budget?.waysUnder.map((w) => w.kind);
    expect(kinds).not.toContain('shorter-answers');
    expect(kinds).toContain('fewer-requests');
    expect(estimateCost(spec(10_000), ctx).budget).toMatchObject({ overBudget: false, waysUnder: [] });
  });
});
