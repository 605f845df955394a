import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The flags document, in AWS AppConfig's feature-flag format (`AWS.AppConfig.FeatureFlags`): the same
 * file is the local defaults (`registry-data/flags.json`) and the hosted configuration CDK deploys.
 * Each flag carries three attributes: `percentage` (0–100, sticky per user), `allow` and `deny` (user
 * `sub`s).
 */
export const FlagValue = z.looseObject({
  enabled: z.boolean(),
  percentage: z.number().min(0).max(100).optional(),
  allow: z.array(z.string()).optional(),
  deny: z.array(z.string()).optional(),
});
export type FlagValue = z.infer<typeof FlagValue>;

/** A flag's values by key: what AppConfig returns for a feature-flag profile, and a document's `values`. */
export const FlagValues = z.record(z.string(), FlagValue);
export type FlagValues = z.infer<typeof FlagValues>;

export const FlagsDocument = z.looseObject({
  version: z.literal('1'),
  flags: z.record(
    z.string(),
    z.looseObject({ name: z.string().min(1).max(64), description: z.string().optional() }),
  ),
  values: FlagValues,
});
export type FlagsDocument = z.infer<typeof FlagsDocument>;

/** Why a flag came out as it did (OpenFeature's standard reasons). */
export type RolloutReason = 'DISABLED' | 'TARGETING_MATCH' | 'SPLIT' | 'STATIC' | 'DEFAULT';

export interface RolloutResult {
  enabled: boolean;
  /** `on` or `off`: the variant metrics are split by. */
  variant: 'on' | 'off';
  reason: RolloutReason;
}

/**
 * Where a user falls in a flag's rollout, in [0, 100): a hash of the flag key and the user, so a user
 * keeps their answer while the percentage only grows, and different flags split users independently.
 */
export function rolloutBucket(flagKey: string, targetingKey: string): number {
  const digest = createHash('sha256').update(`${flagKey}\u0000${targetingKey}`).digest();
  return (digest.readUInt32BE(0) % 10_000) / 100;
}

const result = (enabled: boolean, reason: RolloutReason): RolloutResult => ({
  enabled,
  variant: enabled ? 'on' : 'off',
  reason,
});

/**
 * One flag for one user: off when disabled or denied, on when allowed, else on for `percentage` percent
 * of users (every user when unset). Without a user only a full rollout is on.
 */
export function evaluateRollout(
  value: FlagValue | undefined,
  flagKey: string,
  targetingKey: string | undefined,
): RolloutResult {
  if (!value) return result(false, 'DEFAULT');
  if (!value.enabled) return result(false, 'DISABLED');
  if (targetingKey && value.deny?.includes(targetingKey)) return result(false, 'TARGETING_MATCH');
  if (targetingKey && value.allow?.includes(targetingKey)) return result(true, 'TARGETING_MATCH');
  const percentage = value.percentage ?? 100;
  if (percentage >= 100) return result(true, 'STATIC');
  if (percentage <= 0) return result(false, 'STATIC');
  if (!targetingKey) return result(false, 'DEFAULT');
  return result(rolloutBucket(flagKey, targetingKey) < percentage, 'SPLIT');
}
