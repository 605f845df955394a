import {
  ErrorCode,
  OpenFeature,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
} from '@openfeature/web-sdk';
import { useEffect, useReducer } from 'react';
import { useListFeaturesQuery } from './api.ts';
import type { Answer } from './types.ts';

type FeatureState = Answer<'listFeatures'>['features'][number];
export type FeatureKey = FeatureState['key'];

/**
 * The web app's OpenFeature provider: the platform evaluates each flag for the signed-in builder
 * (GET /api/features, sticky percentage rollout and allow/deny lists on the server); this provider
 * serves those answers, so components ask OpenFeature and never see where the flags come from.
 */
export class PlatformFeaturesProvider implements Provider {
  readonly metadata = { name: 'agent-builder platform' } as const;
  readonly runsOn = 'client' as const;
  readonly events = new OpenFeatureEventEmitter();
  private features = new Map<string, FeatureState>();

  /** The builder's features as the API answered them; an empty list forgets them (unknown again). */
  setFeatures(features: readonly FeatureState[]): void {
    this.features = new Map(features.map((f) => [f.key, f]));
    this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: features.map((f) => f.key) });
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean): ResolutionDetails<boolean> {
    const feature = this.features.get(flagKey);
    if (!feature) return { value: defaultValue, reason: 'DEFAULT', errorCode: ErrorCode.FLAG_NOT_FOUND };
    return { value: feature.enabled, variant: feature.variant, reason: feature.reason };
  }

  private mismatch<T>(defaultValue: T): ResolutionDetails<T> {
    return { value: defaultValue, reason: 'ERROR', errorCode: ErrorCode.TYPE_MISMATCH };
  }
  resolveStringEvaluation(_key: string, defaultValue: string) {
    return this.mismatch(defaultValue);
  }
  resolveNumberEvaluation(_key: string, defaultValue: number) {
    return this.mismatch(defaultValue);
  }
  resolveObjectEvaluation<T>(_key: string, defaultValue: T) {
    return this.mismatch(defaultValue);
  }
}

const DOMAIN = 'agent-builder';
const provider = new PlatformFeaturesProvider();
let registered = false;

function client() {
  if (!registered) {
    OpenFeature.setProvider(DOMAIN, provider);
    registered = true;
  }
  return OpenFeature.getClient(DOMAIN);
}

/**
 * Whether the builder has each flagged capability: `const has = useFeatures(); has('evaluations')`.
 * Only what the API says is off is hidden; while the answer is unknown (loading, an older API) a
 * capability shows, and the API still refuses it (403 feature-not-enabled) if it is off.
 */
export function useFeatures(): (key: FeatureKey) => boolean {
  const { data, isError } = useListFeaturesQuery();
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const features = client();
    const changed = () => rerender();
    features.addHandler(ProviderEvents.ConfigurationChanged, changed);
    return () => features.removeHandler(ProviderEvents.ConfigurationChanged, changed);
  }, []);
  useEffect(() => {
    if (data) provider.setFeatures(data.features);
    else if (isError) provider.setFeatures([]);
  }, [data, isError]);
  const features = client();
  return (key) => features.getBooleanValue(key, true);
}
