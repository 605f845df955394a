import { FeatureNotEnabledError } from '../errors.ts';

// The flag keys, the port and the guard, with no SDK and no data file: domain code that only checks a
// flag (generate, and through it the runner program) imports this, not the OpenFeature wiring.

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
