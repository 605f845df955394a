import { type Client, OpenFeature } from '@openfeature/server-sdk';
import defaults from '../../../registry-data/flags.json' with { type: 'json' };
import { recordExposure } from './exposure.ts';
import { type FeatureState, type Features, FLAG_KEYS, type FlagKey } from './guard.ts';

export {
  type FeatureState,
  type Features,
  FLAG_KEYS,
  type FlagKey,
  requireFeature,
  targetFlag,
} from './guard.ts';

import type { FlagSource } from './provider.ts';
import { RolloutProvider } from './provider.ts';
import { FlagsDocument } from './rollout.ts';

/** The bundled flags document (`registry-data/flags.json`): the catalogue and the default values. */
export const DEFAULT_FLAGS: FlagsDocument = FlagsDocument.parse(defaults);

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
