import { z } from 'zod';
import { AwsRegion } from '../core/aws-region.ts';
import { decimalDigits } from '../core/money.ts';

/** Where a model is served from. Bedrock is the platform's default and recommended provider. */
export const Provider = z.enum(['bedrock', 'ollama', 'openai', 'anthropic']);
export type Provider = z.infer<typeof Provider>;

export const Capability = z.enum([
  'tool-use',
  'streaming',
  'vision',
  'reasoning',
  'prompt-caching',
  'batch',
  'structured-output',
]);
export type Capability = z.infer<typeof Capability>;

/** What a model is good at; used to match a described use case. Editorial, kept coarse. */
export const Strength = z.enum([
  'agents',
  'coding',
  'reasoning',
  'chat',
  'summarization',
  'extraction',
  'classification',
  'rag',
  'long-context',
  'multilingual',
  'vision',
  'writing',
  'low-latency',
  'low-cost',
]);
export type Strength = z.infer<typeof Strength>;

/** Relative capability class within the registry, smallest to most capable. */
export const Tier = z.enum(['small', 'medium', 'large', 'frontier']);
export type Tier = z.infer<typeof Tier>;

const IsoDate = z.iso.date({ message: 'expected a date as YYYY-MM-DD' });

/** Where one fact was read, and the day it was read there. */
export const Provenance = z.object({ source: z.url(), asOf: IsoDate }).strict();
export type Provenance = z.infer<typeof Provenance>;

export const LifecycleStatus = z.enum(['active', 'legacy', 'retired']);
export type LifecycleStatus = z.infer<typeof LifecycleStatus>;

/**
 * Whether a model is current. `legacy`: still served, but the vendor points to a successor (ranked
 * lower). `retired`: no longer served from `date`; never recommended, and a spec naming it is warned
 * with the `replacement`.
 */
export const Lifecycle = z.discriminatedUnion(
  'status',
  [
    z.object({ status: z.literal('active') }).strict(),
    z
      .object({
        status: z.literal('legacy'),
        /** The model the vendor suggests instead, when it names one. */
        replacement: z.string().min(1).optional(),
        /** The announced retirement date, when there is one. */
        retiresOn: IsoDate.optional(),
        source: z.url(),
        asOf: IsoDate,
      })
      .strict(),
    z
      .object({
        status: z.literal('retired'),
        /** The day the model stopped being served. */
        date: IsoDate,
        /** The registry id to use instead. */
        replacement: z.string().min(1, 'a retired model names its replacement'),
        source: z.url(),
        asOf: IsoDate,
      })
      .strict(),
  ],
  { error: 'lifecycle status must be active, legacy or retired' },
);
export type Lifecycle = z.infer<typeof Lifecycle>;

/** The facts of an entry that can be sourced separately from the entry's own `source`. */
export const FactName = z.enum(['pricing', 'limits', 'capabilities']);
export type FactName = z.infer<typeof FactName>;

/** USD per 1M tokens, at most 6 decimals so costs compute exactly in micro-dollars. */
const UsdPerMTok = z
  .number()
  .nonnegative()
  .refine((n) => decimalDigits(n) <= 6, { message: 'a price per 1M tokens has at most 6 decimal digits' });

export const ModelPricing = z
  .object({
    inputPerMTok: UsdPerMTok,
    outputPerMTok: UsdPerMTok,
    /** Writing to the prompt cache (5-minute cache where there are several). */
    cacheWritePerMTok: UsdPerMTok.optional(),
    cacheReadPerMTok: UsdPerMTok.optional(),
    batchInputPerMTok: UsdPerMTok.optional(),
    batchOutputPerMTok: UsdPerMTok.optional(),
    /** Which price list these figures are, e.g. "us-east-1 on-demand" or "local (no charge)". */
    basis: z.string().min(1),
  })
  .strict();
export type ModelPricing = z.infer<typeof ModelPricing>;

export const ModelInfo = z
  .object({
    /** Exactly what the provider's API expects as the model id. */
    id: z.string().min(1),
    provider: Provider,
    /** Who trained the model (Anthropic, Amazon, Meta, ...). */
    vendor: z.string().min(1),
    family: z.string().min(1),
    name: z.string().min(1),
    description: z.string().min(1),
    pricing: ModelPricing,
    contextWindow: z.number().int().positive(),
    maxOutputTokens: z.number().int().positive(),
    capabilities: z.array(Capability).min(1),
    strengths: z.array(Strength),
    tier: Tier,
    /** AWS Regions with in-Region on-demand inference, where known; empty when not region-bound or unknown. */
    regions: z.array(AwsRegion),
    /**
     * Bedrock cross-Region inference profile geographies (`us` gives `us.<id>`). `required` means the
     * model cannot be invoked on demand by its bare id and a profile id must be used.
     */
    inferenceProfile: z
      .object({ geographies: z.array(z.enum(['us', 'eu', 'apac', 'global'])).min(1), required: z.boolean() })
      .strict()
      .optional(),
    recommended: z.boolean(),
    lifecycle: Lifecycle,
    /** Where the facts of this entry come from, and the day they were read there. */
    source: z.url(),
    asOf: IsoDate,
    /**
     * Facts read from somewhere else, or on another day, than the entry's `source` and `asOf`:
     * `pricing` (every price), `limits` (context window and max output), `capabilities`.
     */
    facts: z.partialRecord(FactName, Provenance).optional(),
  })
  .strict()
  .superRefine((model, ctx) => {
    const { pricing, capabilities } = model;
    if (model.maxOutputTokens > model.contextWindow) {
      ctx.addIssue({ code: 'custom', path: ['maxOutputTokens'], message: 'cannot exceed contextWindow' });
    }
    const hasBatchPrice = pricing.batchInputPerMTok !== undefined || pricing.batchOutputPerMTok !== undefined;
    if (hasBatchPrice !== capabilities.includes('batch')) {
      ctx.addIssue({
        code: 'custom',
        path: ['capabilities'],
        message: 'list "batch" exactly when batch prices are given',
      });
    }
    if (pricing.cacheReadPerMTok !== undefined && !capabilities.includes('prompt-caching')) {
      ctx.addIssue({
        code: 'custom',
        path: ['capabilities'],
        message: 'a model with a cache read price must list "prompt-caching"',
      });
    }
    if (model.provider !== 'bedrock' && (model.regions.length > 0 || model.inferenceProfile)) {
      ctx.addIssue({
        code: 'custom',
        path: ['regions'],
        message: 'regions and inference profiles apply to Bedrock models only',
      });
    }
    if (model.recommended && model.provider !== 'bedrock') {
      ctx.addIssue({
        code: 'custom',
        path: ['recommended'],
        message: 'only Bedrock models are marked recommended',
      });
    }
  });
export type ModelInfo = z.infer<typeof ModelInfo>;

/** Where one fact of a model was read: its own provenance, else the entry's. */
export function factProvenance(model: ModelInfo, fact: FactName): Provenance {
  return model.facts?.[fact] ?? { source: model.source, asOf: model.asOf };
}

/** A registry note: a model deliberately left out, or a value that departs from a public price map. */
export const RegistryNote = z
  .object({
    /** The id the note is about (a litellm key for a left-out model, a registry id for a departure). */
    id: z.string().min(1),
    kind: z.enum(['left-out', 'departure']),
    /** For a departure: which fact departs (`pricing`, `limits`, `capabilities`, `lifecycle`). */
    fact: z.enum(['pricing', 'limits', 'capabilities', 'lifecycle']).optional(),
    reason: z.string().min(1),
    source: z.url().optional(),
  })
  .strict();
export type RegistryNote = z.infer<typeof RegistryNote>;
