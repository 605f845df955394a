import Table from 'cli-table3';
import { DomainError } from '../../lambdas/core/errors.ts';

/** Output sink for commands, so tests and the process share one path. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Raw bytes to standard output (a zip with `--out -`). */
  binary(data: Uint8Array): void;
}

export function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head, style: { head: [], border: [] }, wordWrap: true });
  for (const row of rows) t.push(row.map(String));
  return t.toString();
}

/** JSON for machines: stable two-space indentation, BigInt as decimal strings. */
export function json(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

export function usd(value: number): string {
  if (value === 0) return '$0';
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: value < 0.01 ? 6 : 3 })}`;
}

/** A unit price at full precision: $0.0000133334. */
export function price(value: number): string {
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 10 })}`;
}

export function thousands(n: number): string {
  return n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${Math.round(n / 1000)}K` : String(n);
}

/** A domain error as lines a person can act on; the process exit code is 2 for these. */
export function describeError(error: unknown): string {
  if (error instanceof DomainError) {
    const lines = [`error: ${error.message}`];
    for (const p of error.errors) lines.push(`  - ${p.path}: ${p.message}`);
    return lines.join('\n');
  }
  return `error: ${error instanceof Error ? error.message : String(error)}`;
}
