import { describe, expect, it } from 'vitest';
import { formatUsd, tokenCost, toScaledInteger, toUsd, unitCost } from '../../lambdas/core/money.ts';

describe('money', () => {
  it('parses decimals exactly, with no float drift', () => {
    expect(toScaledInteger(0.035, 6)).toBe(35_000n);
    expect(toScaledInteger(0.1 + 0.2, 17)).toBe(30_000_000_000_000_004n); // the float itself, exactly
    expect(() => toScaledInteger(0.0000001, 6)).toThrow(/more than 6 decimal digits/);
    expect(() => toScaledInteger(-1, 6)).toThrow(RangeError);
  });

  it('prices tokens in micro-dollars: 24,000,000 tokens at $0.035/1M = $0.84', () => {
    expect(tokenCost(24_000_000n, 0.035)).toBe(840_000n);
  });

  it('rounds half away from zero once, at the micro-dollar', () => {
    // 3 tokens at $0.5 per 1M tokens = 1.5 µ$, which rounds to 2 µ$
    expect(tokenCost(3n, 0.5)).toBe(2n);
    expect(tokenCost(1n, 0.4)).toBe(0n);
  });

  it('keeps totals equal to the sum of parts for many small amounts', () => {
    const parts = Array.from({ length: 1000 }, () => tokenCost(1_000n, 0.06)); // 60 µ$ each
    expect(parts.reduce((a, b) => a + b, 0n)).toBe(60_000n);
    expect(toUsd(60_000n)).toBe(0.06);
  });

  it('prices decimal quantities: 2.5 GB-months at $0.023 = $0.0575', () => {
    expect(unitCost(2.5, 0.023)).toBe(57_500n);
    expect(unitCost(3n, 0.0000166667)).toBe(50n); // 3 × 16.6667 µ$ = 50.0001 µ$
  });

  it('formats amounts for people', () => {
    expect(formatUsd(1_234_567_890n)).toBe('$1,234.57');
    expect(formatUsd(840n)).toBe('$0.000840');
    expect(formatUsd(0n)).toBe('$0.00');
  });
});
