/**
 * The API's shapes as the web app reads and sends them, derived from the platform's own route table
 * and zod schemas (type-only imports: nothing of the platform is bundled). A change of a schema there
 * changes these types, and `npm run typecheck` fails wherever the app no longer fits.
 */
import type {
  AgentSpecDraft,
  DeploymentTarget,
  Language as PlatformLanguage,
} from '../../lambdas/agent-spec/schema.ts';
import type {
  BodyInputOf,
  Problem as PlatformProblem,
  QueryInputOf,
  ResponseOf,
} from '../../lambdas/core/contract.ts';
import type { Capability as PlatformCapability } from '../../lambdas/models/schema.ts';
import type { Routes } from '../../lambdas/routes.ts';
import type { Phase as PlatformPhase } from '../../lambdas/sessions/model.ts';
import type {
  RunMetrics as PlatformRunMetrics,
  StreamEvent as PlatformStreamEvent,
} from '../../runner/events.ts';

export type Phase = PlatformPhase;
export type Capability = PlatformCapability;
export type Language = PlatformLanguage;
export type Target = DeploymentTarget;

/** The phases in order; the check below fails the build if the platform adds or drops one. */
export const PHASES = [
  'REQUIREMENTS',
  'ARCHITECTURE',
  'IMPLEMENTATION',
  'CODE_GENERATION',
  'TESTING',
  'DEPLOYMENT',
  'COMPLETE',
] as const satisfies readonly Phase[];
type Missing = Exclude<Phase, (typeof PHASES)[number]>;
const _everyPhaseListed: Missing extends never ? true : Missing = true;
void _everyPhaseListed;

/** The model capabilities, in the order filters show them; the check fails the build if one is missing. */
export const CAPABILITIES = [
  'tool-use',
  'streaming',
  'vision',
  'reasoning',
  'prompt-caching',
  'batch',
  'structured-output',
] as const satisfies readonly Capability[];
type UnlistedCapability = Exclude<Capability, (typeof CAPABILITIES)[number]>;
const _everyCapabilityListed: UnlistedCapability extends never ? true : UnlistedCapability = true;
void _everyCapabilityListed;

/** What a route answers (its first JSON success status, or the one named). */
export type Answer<K extends keyof Routes> = ResponseOf<Routes[K]>;
/** What a route's body takes. */
export type BodyOf<K extends keyof Routes> = BodyInputOf<Routes[K]>;
/** What a route's query takes. */
export type QueryOf<K extends keyof Routes> = QueryInputOf<Routes[K]>;

export type Session = Answer<'getSession'>;
/** The builder's choices; also the shape of every suggestion's patch, applied as is. */
export type Selections = Session['selections'];
export type SpecPatch = Selections;
export type SpecDraft = AgentSpecDraft;
export type SessionContext = Answer<'sessionContext'>;
export type Model = Answer<'getModel'>;
export type Recommendations = Answer<'recommendModels'>;
export type Recommendation = Recommendations['recommendations'][number];
export type Comparison = Answer<'compareModels'>;
export type Tool = Answer<'listTools'>[number];
export type ResolvedTools = Answer<'resolveTools'>;
export type CompatibilityProblem = NonNullable<ResolvedTools['compatibility']>['errors'][number];
export type CostEstimate = Answer<'estimateCost'>;
export type Optimization = CostEstimate['optimizations'][number];
export type Generation = Answer<'getGeneration'>;
export type Build = Answer<'getBuild'>;
export type TestRun = Answer<'getTestRun'>;
export type Conversation = Answer<'getConversation'>;
export type RunMetrics = PlatformRunMetrics;
/** An event of the test-run stream: the platform's notices and the runner's events. */
export type StreamEvent = PlatformStreamEvent;
/** application/problem+json, as every API error is sent. */
export type Problem = PlatformProblem;
