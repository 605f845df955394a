import {
  ErrorCode,
  type EvaluationContext,
  type JsonValue,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import { evaluateRollout, type FlagValues } from './rollout.ts';

/** Where the flags' current values come from: AppConfig in AWS, a watched file locally. */
export interface FlagSource {
  /** The current values; may be cached by the source. */
  load(): Promise<FlagValues>;
  /** Called when the source sees the values change (a file edited, a new AppConfig deployment). */
  onChange?(listener: () => void): void;
  /** Where the values come from, for `agent-builder flags` and logs. */
  readonly description: string;
}

/**
 * The OpenFeature provider of the platform's boolean flags: values from a {@link FlagSource},
 * evaluated per user (targeting key = the user's `sub`) with sticky percentage rollout and allow and
 * deny lists. When the source cannot be read, the bundled defaults answer and the reason says ERROR.
 */
export class RolloutProvider implements Provider {
  readonly metadata = { name: 'agent-builder rollout' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();

  constructor(
    private readonly source: FlagSource,
    private readonly defaults: FlagValues,
    private readonly onSourceError: (error: unknown) => void = () => {},
  ) {
    source.onChange?.(() => this.events.emit(ProviderEvents.ConfigurationChanged));
  }

  async resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<boolean>> {
    let values: FlagValues;
    let degraded = false;
    try {
      values = await this.source.load();
    } catch (error) {
      this.onSourceError(error);
      values = this.defaults;
      degraded = true;
    }
    const value = values[flagKey] ?? (degraded ? undefined : this.defaults[flagKey]);
    if (!value)
      return {
        value: defaultValue,
        reason: 'ERROR',
        errorCode: ErrorCode.FLAG_NOT_FOUND,
        errorMessage: `no flag ${flagKey}`,
      };
    const outcome = evaluateRollout(value, flagKey, context.targetingKey);
    return {
      value: outcome.enabled,
      variant: outcome.variant,
      // Not an errorCode: that would make OpenFeature answer the caller's default instead of the
      // bundled values. The reason and metadata say the defaults answered.
      reason: degraded ? 'ERROR' : outcome.reason,
      flagMetadata: { source: degraded ? 'bundled defaults' : this.source.description },
    };
  }

  private mismatch<T>(defaultValue: T): Promise<ResolutionDetails<T>> {
    return Promise.resolve({
      value: defaultValue,
      reason: 'ERROR',
      errorCode: ErrorCode.TYPE_MISMATCH,
      errorMessage: 'the platform’s flags are boolean',
    });
  }

  resolveStringEvaluation(_flagKey: string, defaultValue: string) {
    return this.mismatch(defaultValue);
  }

  resolveNumberEvaluation(_flagKey: string, defaultValue: number) {
    return this.mismatch(defaultValue);
  }

  resolveObjectEvaluation<T extends JsonValue>(_flagKey: string, defaultValue: T) {
    return this.mismatch(defaultValue);
  }
}
