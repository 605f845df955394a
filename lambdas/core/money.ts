/**
 * Exact money arithmetic. Prices are stored in registry files as decimal USD numbers (e.g. 0.035 per
 * million tokens); every computation happens in integers (BigInt) so totals equal the sum of their
 * parts, with no float drift. One rounding step, half away from zero, happens at micro-dollar level.
 */

/** Integer micro-dollars (1 USD = 1,000,000). */
export type MicroUsd = bigint;

const MICRO = 1_000_000n;
const PICO_PER_MICRO = 1_000_000n;

/**
 * The shortest decimal text that round-trips to `value` (what JSON holds), without exponent notation.
 * `String()` is fast and exact for ordinary prices; Intl handles the exponent forms.
 */
function decimalText(value: number): string {
  const text = String(value);
  return text.includes('e')
    ? value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 })
    : text;
}

/** 10^n as a BigInt, for the scales used here (computed once, not per call). */
const POWERS_OF_TEN = Array.from({ length: 21 }, (_, n) => 10n ** BigInt(n));

/** Parses a non-negative decimal number into an integer scaled by 10^decimals, exactly. */
export function toScaledInteger(value: number, decimals: number): bigint {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`not a non-negative finite number: ${value}`);
  const scale = POWERS_OF_TEN[decimals] ?? 10n ** BigInt(decimals);
  if (Number.isSafeInteger(value)) return BigInt(value) * scale;
  const [whole = '0', fraction = ''] = decimalText(value).split('.');
  if (fraction.length > decimals) {
    throw new RangeError(`${value} has more than ${decimals} decimal digits`);
  }
  return BigInt(whole) * scale + BigInt(fraction.padEnd(decimals, '0') || '0');
}

/** Number of decimal digits a number is written with. */
export function decimalDigits(value: number): number {
  return decimalText(Math.abs(value)).split('.')[1]?.length ?? 0;
}

function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  return remainder * 2n >= denominator ? quotient + 1n : quotient;
}

/**
 * Cost of `tokens` at `usdPerMillion` (USD per 1M tokens), in micro-dollars.
 * USD per million tokens is numerically micro-dollars per token.
 */
export function tokenCost(tokens: bigint | number, usdPerMillion: number): MicroUsd {
  const picoPerToken = toScaledInteger(usdPerMillion, 6); // micro-USD per token, scaled by 1e6
  return divideRounded(BigInt(tokens) * picoPerToken, PICO_PER_MICRO);
}

/** Cost of `quantity` units (integer or decimal) at `usdPerUnit`, in micro-dollars. */
export function unitCost(quantity: number | bigint, usdPerUnit: number): MicroUsd {
  const pricePico = toScaledInteger(usdPerUnit, 12); // pico-USD per unit
  if (typeof quantity === 'bigint') return divideRounded(quantity * pricePico, 1_000_000n);
  const qtyMicro = toScaledInteger(quantity, 6); // quantity × 1e6
  return divideRounded(qtyMicro * pricePico, 1_000_000_000_000n);
}

/** Micro-dollars as a USD number (for JSON output): the nearest double to the exact decimal. */
export function toUsd(amount: MicroUsd): number {
  const sign = amount < 0n ? '-' : '';
  const abs = amount < 0n ? -amount : amount;
  return Number(`${sign}${abs / MICRO}.${(abs % MICRO).toString().padStart(6, '0')}`);
}

/** The two number formats of {@link formatUsd}, built once: `toLocaleString` builds one per call. */
const CENTS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const MICROS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 6, maximumFractionDigits: 6 });

/** Micro-dollars as `$1,234.57` (or more digits for amounts under a cent). */
export function formatUsd(amount: MicroUsd): string {
  const usd = toUsd(amount);
  return `$${(usd !== 0 && Math.abs(usd) < 0.01 ? MICROS : CENTS).format(usd)}`;
}

/** Cost of `quantity` units at `usd` per `per` units (e.g. $0.20 per 1,000,000 requests), in micro-dollars. */
export function priceCost(quantity: number, usd: number, per: number): MicroUsd {
  const qtyMicro = toScaledInteger(quantity, 6); // quantity × 1e6
  const pricePico = toScaledInteger(usd, 12); // USD × 1e12 per `per` units
  return divideRounded(qtyMicro * pricePico, 1_000_000_000_000n * BigInt(per));
}
