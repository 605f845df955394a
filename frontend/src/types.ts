/**
 * The API's shapes as the web app reads them. The enumerations come from the platform's own schemas
 * (type-only imports: nothing of the platform is bundled), so a change there fails this build.
 */
import type { Capability as PlatformCapability } from '../../lambdas/models/schema.ts';
import type { Phase as PlatformPhase } from '../../lambdas/sessions/model.ts';

export type Phase = PlatformPhase;
export type Capability = PlatformCapability;

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

export type Language = 'typescript' | 'python';
export type Target = 'agentcore' | 'ecs-fargate' | 'lambda';

export interface Selections {
  name?: string;
  description?: string;
  systemPrompt?: string;
  model?: string;
  tools?: string[];
  toolConfig?: Record<string, Record<string, string | number | boolean | string[]>>;
  language?: Language;
  deployment?: { target?: Target; region?: string; architecture?: 'arm64' | 'x86_64'; memoryMb?: number };
}

export interface Session {
  id: string;
  title: string;
  phase: Phase;
  answers: Partial<Record<Phase, Record<string, string | number | boolean | string[]>>>;
  selections: Selections;
  messages: { role: 'user' | 'assistant'; text: string; at: string }[];
  generationIds: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface AgentSpecDraft {
  name?: string;
  description?: string;
  language?: Language;
  model?: string;
  systemPrompt?: string;
  tools?: string[];
  toolConfig?: Record<string, unknown>;
  deployment?: { target?: Target; region?: string; architecture?: string; memoryMb?: number };
  usage?: { requestsPerMonth?: number; avgInputTokens?: number; avgOutputTokens?: number };
}

export interface SessionContext {
  spec: AgentSpecDraft;
  completeness: number;
  missing: { field: string; question: string }[];
  sources: Record<string, string>;
  problems: { path: string; message: string }[];
  ready: boolean;
}

export interface Model {
  id: string;
  provider: 'bedrock' | 'ollama' | 'openai' | 'anthropic';
  vendor: string;
  family: string;
  name: string;
  description: string;
  pricing: { inputPerMTok: number; outputPerMTok: number; basis: string };
  contextWindow: number;
  maxOutputTokens: number;
  capabilities: Capability[];
  strengths: string[];
  tier: 'small' | 'medium' | 'large' | 'frontier';
  regions: string[];
  recommended: boolean;
  source: string;
  asOf: string;
}

export interface Recommendation {
  model: Model;
  score: number;
  reasons: string[];
  monthlyCostUsd?: number;
}

export interface Comparison {
  models: {
    id: string;
    name: string;
    provider: string;
    vendor: string;
    tier: string;
    pricing: { inputPerMTok: number; outputPerMTok: number };
    contextWindow: number;
    maxOutputTokens: number;
    capabilities: Record<string, boolean>;
    monthlyCost?: { totalUsd: number };
  }[];
  cheapest?: string;
  largestContext?: string;
  workloadDescription?: string;
  differences?: string[];
}

export interface Tool {
  id: string;
  name: string;
  category: string;
  description: string;
  implementations: Partial<Record<Language, { kind: string; deprecated?: string }>>;
  platforms: Record<Target, { status: 'supported' | 'limited' | 'unsupported'; note?: string }>;
  alternatives: string[];
  conflicts: { tool: string; severity: 'error' | 'warning'; reason: string }[];
}

export interface ResolvedTools {
  ok: boolean;
  dependencies: {
    ecosystem: 'npm' | 'pip';
    packages: { name: string; range: string; requiredBy: string[] }[];
    conflicts: { name: string; message?: string }[];
    unsupported: { tool: string; message?: string }[];
  };
  compatibility?: {
    ok: boolean;
    errors: { tool: string; code: string; message: string; alternatives?: string[] }[];
    warnings: { tool: string; code: string; message: string; alternatives?: string[] }[];
  };
}

export interface CostEstimate {
  currency: 'USD';
  target: Target;
  monthly: { model: number; compute: number; storageOther: number; total: number };
  annual: number;
  lineItems: {
    category: string;
    service: string;
    what: string;
    quantity: number;
    unit: string;
    costUsd: number;
    freeTierSavingsUsd: number;
  }[];
  freeTierSavings: number;
  assumptions: string[];
  optimizations: {
    id: string;
    title: string;
    savingUsd: number;
    tradeoff: string;
    apply?: { model?: string; deployment?: { target?: Target; architecture?: string; memoryMb?: number } };
  }[];
}

export interface Generation {
  id: string;
  status: 'SUCCEEDED' | 'FAILED';
  reason?: string;
  name?: string;
  language?: Language;
  files?: string[];
  warnings?: { path: string; message: string }[];
  cost?: { monthlyUsd: number; annualUsd: number };
  cached?: boolean;
  createdAt: string;
}

export interface Build {
  id: string;
  generationId: string;
  status: 'BUILDING' | 'READY' | 'FAILED';
  reason?: string;
  logs?: string[];
  installMs?: number;
  buildMs?: number;
}

export interface RunMetrics {
  totalLatencyMs: number;
  timeToFirstTokenMs: number | null;
  installMs: number;
  buildMs: number;
  inputTokens: number;
  outputTokens: number;
  toolCalls: number;
  exitCode: number | null;
  status: string;
}

export interface TestRun {
  id: string;
  buildId: string;
  input: string;
  status: string;
  reason?: string;
  output?: string;
  toolCalls?: { toolUseId: string; name: string; input?: unknown; status?: string }[];
  logs?: string[];
  metrics?: RunMetrics;
  model?: { kind: string; label: string };
  createdAt: string;
}

/** An event of the test-run stream (see runner/events.ts). */
export type StreamEvent =
  | { type: 'accepted'; runId: string; buildId: string }
  | { type: 'error'; problem: Problem }
  | { type: 'run_failed'; runId: string; reason: string }
  | { type: 'cancelling'; runId: string }
  | { type: 'status'; phase: string; message: string; model: { label: string } }
  | { type: 'log'; source: string; stream: string; line: string }
  | { type: 'text'; text: string }
  | { type: 'tool_call'; name: string; toolUseId: string; input?: unknown }
  | { type: 'tool_result'; toolUseId: string; status: string }
  | { type: 'metrics'; metrics: RunMetrics }
  | {
      type: 'result';
      model: { kind: string; label: string };
      result: { status: string; reason?: string; output: string; metrics: RunMetrics; runId: string };
    };

/** application/problem+json, as every API error is sent. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
  traceId?: string;
}
