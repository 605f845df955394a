import { z } from 'zod';
import data from '../../registry-data/pricing.json' with { type: 'json' };
import { ValidationError } from '../core/errors.ts';
import { zodProblems } from '../core/zod-problems.ts';

export const Price = z
  .object({
    id: z.string().min(1),
    service: z.string().min(1),
    what: z.string().min(1),
    /** USD per `per` units of `unit`. */
    usd: z.number().nonnegative(),
    per: z.number().int().positive(),
    unit: z.string().min(1),
    note: z.string().optional(),
    source: z.url(),
    asOf: z.iso.date(),
  })
  .strict();
export type Price = z.infer<typeof Price>;

export const FreeTierAllowance = z
  .object({
    id: z.string().min(1),
    /** Prices this monthly allowance applies to (shared between them, in order). */
    priceIds: z.array(z.string()).min(1),
    quantity: z.number().positive(),
    unit: z.string().min(1),
    kind: z.enum(['always-free', '12-months']),
    note: z.string().optional(),
    source: z.url(),
    asOf: z.iso.date(),
  })
  .strict();
export type FreeTierAllowance = z.infer<typeof FreeTierAllowance>;

export const PricingData = z
  .object({
    $comment: z.string().optional(),
    region: z.string(),
    currency: z.literal('USD'),
    freeTierNote: z.string(),
    freeTierNoteSource: z.url(),
    prices: z.array(Price),
    freeTier: z.array(FreeTierAllowance),
  })
  .strict();

export class PriceList {
  private readonly byId: Map<string, Price>;

  constructor(readonly data: z.infer<typeof PricingData>) {
    this.byId = new Map(data.prices.map((p) => [p.id, p]));
    for (const allowance of data.freeTier) {
      for (const id of allowance.priceIds) {
        if (!this.byId.has(id))
          throw new ValidationError(`free tier ${allowance.id} refers to unknown price ${id}`);
      }
    }
  }

  static fromData(input: unknown): PriceList {
    const parsed = PricingData.safeParse(input);
    if (!parsed.success)
      throw new ValidationError('pricing data is not valid', zodProblems(parsed.error, 'pricing'));
    return new PriceList(parsed.data);
  }

  price(id: string): Price {
    const price = this.byId.get(id);
    if (!price) throw new Error(`no price ${id} in registry-data/pricing.json`);
    return price;
  }

  allowanceFor(priceId: string): FreeTierAllowance | undefined {
    return this.data.freeTier.find((a) => a.priceIds.includes(priceId));
  }
}

let prices: PriceList | undefined;

/** The price list of `registry-data/pricing.json`, validated on first use. */
export function loadPriceList(): PriceList {
  prices ??= PriceList.fromData(data);
  return prices;
}
