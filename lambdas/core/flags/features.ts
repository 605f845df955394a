import { type Client, OpenFeature } from '@openfeature/server-sdk';
import defaults from '../../../registry-data/flags.json' with { type: 'json' };
import { FeatureNotEnabledError } from '../errors.ts';
import { recordExposure } from './exposure.ts';
import type { FlagSource } from './provider.ts';
import { RolloutProvider } from './provider.ts';
import { FlagsDocument } from './rollout.ts';

/** The bundled flags document (`registry-data/flags.json`): the catalogue and the default values. */
export const DEFAULT_FLAGS: FlagsDocument = FlagsDocument.parse(defaults);

/**
 * The capabilities behind a flag. New or risky ones; each generator target has one too
 * (`target-<deployment target>`), so a new target ships to a few builders first.
 */
export const FLAG_KEYS = [
  'model-consultant',
  'warm-agents',
  'evaluations',
  'deploy-to-account',
  'target-agentcore',
  'target-ecs-fargate',
  'target-lambda',
] as const;
export type FlagKey = (typeof FLAG_KEYS)[number];

/** The flag of a deployment target of the generator. */
export const targetFlag = (target: string) => `target-${target}` as FlagKey;

/** One capability as one user has it. */
export interface FeatureState {
  key: FlagKey;
  name: string;
  description: string;
  enabled: boolean;
  /** `on` / `off`: what metrics are split by. */
  variant: string;
  /** OpenFeature's reason: STATIC, SPLIT, TARGETING_MATCH, DISABLED, ERROR… */
  reason: string;
}

/** What the platform's code asks of the flags: one capability, or all, for one user. */
export interface Features {
  evaluate(key: FlagKey, user: { sub: string }): Promise<FeatureState>;
  list(user: { sub: string }): Promise<FeatureState[]>;
  /** Where the values come from (a file, an AppConfig profile). */
  readonly source: string;
}

/** The flags through OpenFeature: one named domain per source, so several platforms can share a process. */
export class OpenFeatureFeatures implements Features {
  private readonly client: Client;
  readonly source: string;

  constructor(source: FlagSource, domain: string, onSourceError?: (error: unknown) => void) {
    OpenFeature.setProvider(domain, new RolloutProvider(source, DEFAULT_FLAGS.values, onSourceError));
    this.client = OpenFeature.getClient(domain);
    // Every evaluation is an exposure: the request's metrics are then counted per flag variant.
    this.client.addHooks({
      after: (context, details) => recordExposure(context.flagKey, details.variant ?? String(details.value)),
    });
    this.source = source.description;
  }

  async evaluate(key: FlagKey, user: { sub: string }): Promise<FeatureState> {
    const details = await this.client.getBooleanDetails(key, false, { targetingKey: user.sub });
    const flag = DEFAULT_FLAGS.flags[key];
    return {
      key,
      name: flag?.name ?? key,
      description: flag?.description ?? '',
      enabled: details.value,
      variant: details.variant ?? (details.value ? 'on' : 'off'),
      reason: details.reason ?? 'UNKNOWN',
    };
  }

  list(user: { sub: string }): Promise<FeatureState[]> {
    return Promise.all(FLAG_KEYS.map((key) => this.evaluate(key, user)));
  }
}

/**
 * The guard of a flagged capability: resolves to the user's state when it is on, throws a 403
 * `feature-not-enabled` problem when it is off. One line at the top of a handler or service:
 * `await requireFeature(deps, 'evaluations', user);`
 */
export async function requireFeature(
  deps: { features: Features },
  key: FlagKey,
  user: { sub: string },
): Promise<FeatureState> {
  const state = await deps.features.evaluate(key, user);
  if (!state.enabled) throw new FeatureNotEnabledError(key, state.name);
  return state;
}
