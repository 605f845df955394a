import { z } from 'zod';
import {
  ModelInfo,
  RunJob,
  RunLimits,
  RunMetrics,
  RunStatus,
  ToolCallRecord,
  TraceSpan,
} from '../../runner/events.ts';
import { Language } from '../agent-spec/schema.ts';
import { RunCost } from './run-cost.ts';

/**
 * How far a build or run has got while it is going: the runner's current phase, the time since it
 * started, and the last lines of its log (npm's own progress lines while installing). Written by the
 * runner as it goes, read with the record (`GET`), so a client that is not on the WebSocket sees it too.
 */
export const Progress = z.object({
  phase: z.enum(['queued', 'fetching', 'installing', 'building', 'starting', 'invoking', 'stopping']),
  message: z.string(),
  /** Milliseconds since the runner started the job. */
  elapsedMs: z.number().int().nonnegative(),
  /** Packages the package manager has fetched so far (from its own log), while installing. */
  packagesFetched: z.number().int().nonnegative().optional(),
  /** The last lines of the install, build and agent logs. */
  logTail: z.array(z.string()),
  updatedAt: z.string(),
});
export type Progress = z.infer<typeof Progress>;

/** A build of a generation: its project installed and compiled by the runner. */
export const Build = z.object({
  id: z.string(),
  generationId: z.string(),
  sessionId: z.string().optional(),
  name: z.string().optional(),
  language: Language.optional(),
  /** The model id the project invokes (its MODEL_ID). */
  modelId: z.string().optional(),
  /**
   * The key of its compiled project, from the generated project itself: building the same generation
   * again reuses the finished build (content-addressed) instead of installing and compiling again.
   */
  contentKey: z.string().optional(),
  status: z.enum(['BUILDING', 'READY', 'FAILED']),
  /** Why it failed: the compiler's or package manager's own message. */
  reason: z.string().optional(),
  logs: z.array(z.string()).optional(),
  /** While BUILDING: the runner's phase, elapsed time and log tail. */
  progress: Progress.optional(),
  installMs: z.number().optional(),
  buildMs: z.number().optional(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
});
export type Build = z.infer<typeof Build>;

/** A build as stored: also whose it is and the Fargate task that ran it. */
export interface BuildRecord extends Build {
  owner: string;
  taskArn?: string;
}

/** A test run: one input sent to a built agent, with everything that came back. */
export const TestRun = z.object({
  id: z.string(),
  buildId: z.string(),
  /** The conversation this run is a turn of (its agent kept warm between turns). */
  conversationId: z.string().optional(),
  generationId: z.string(),
  sessionId: z.string().optional(),
  /** The model id the agent invokes (its MODEL_ID), whose price the run's cost uses. */
  modelId: z.string().optional(),
  input: z.string(),
  /** RUNNING until the runner reports; then the run's own status. */
  status: z.union([z.literal('RUNNING'), RunStatus]),
  reason: z.string().optional(),
  /** The full streamed text (outputs over 32 KB are kept in S3 and read back with the record). */
  output: z.string().optional(),
  toolCalls: z.array(ToolCallRecord).optional(),
  /** The run's timeline: each model call and tool call (export: GET /api/testing/runs/{id}/trace). */
  trace: z.array(TraceSpan).optional(),
  logs: z.array(z.string()).optional(),
  metrics: RunMetrics.optional(),
  /** Its tokens at the model's registry price ("would cost" when the offline model answered). */
  cost: RunCost.optional(),
  model: ModelInfo.optional(),
  /** The AgentCore runtime session id the invocation carried. */
  runtimeSessionId: z.string().optional(),
  /** While RUNNING: the runner's phase, elapsed time and log tail. */
  progress: Progress.optional(),
  /** Deadline after which a run still RUNNING is reported as lost. */
  expiresAt: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
});
export type TestRun = z.infer<typeof TestRun>;

/** A run as stored: also whose it is, where a long output is kept, and the task that ran it. */
export interface TestRunRecord extends TestRun {
  owner: string;
  outputKey?: string;
  /** Where the tool calls and logs are kept when they would not fit in the item (S3, JSON). */
  detailsKey?: string;
  taskArn?: string;
}

/**
 * `?wait=` on a POST that starts work: seconds to hold the request for the result (201) before
 * answering 202 with the record to follow. Bounded well under API Gateway's 30 s; 0 (the default)
 * answers at once.
 */
export const WaitQuery = z
  .object({ wait: z.coerce.number<string | number>().int().min(0).max(25).default(0) })
  .strict();
export type WaitQuery = z.infer<typeof WaitQuery>;

/**
 * A conversation with a warm agent: a READY build started once (AgentCore contract server) and kept
 * up between turns, each turn a run with the same runtime session id, until it idles out, is ended,
 * the build is replaced or the platform stops.
 */
export const Conversation = z.object({
  id: z.string(),
  buildId: z.string(),
  generationId: z.string(),
  sessionId: z.string().optional(),
  modelId: z.string().optional(),
  /** ACTIVE while its agent is (being) kept up; ENDED once it stopped, with why. */
  status: z.enum(['ACTIVE', 'ENDED']),
  endedReason: z.string().optional(),
  /** The AgentCore runtime session id every turn carries. */
  runtimeSessionId: z.string(),
  /** The agent stops after this long without a turn. */
  idleTimeoutMs: z.number().int().positive(),
  /** While its agent starts: the runner's phase, elapsed time and log tail. */
  progress: Progress.optional(),
  /** The turns, oldest first (GET only). */
  turns: z.array(TestRun).optional(),
  /** All its turns' tokens at the model's registry price. */
  cost: RunCost.optional(),
  createdAt: z.string(),
  endedAt: z.string().optional(),
});
export type Conversation = z.infer<typeof Conversation>;

/** A conversation as stored: also whose it is, the runner task keeping its agent, and when it must end. */
export interface ConversationRecord extends Omit<Conversation, 'turns'> {
  owner: string;
  taskArn?: string;
  /** Slot deadline: the longest a conversation's agent is kept, however busy. */
  expiresAt: string;
}

export const ConversationBody = z
  .object({
    buildId: z.string().min(1).max(100),
    /** Seconds without a turn before the agent is stopped (default: the platform's, 15 minutes like AgentCore Runtime). */
    idleTimeoutSeconds: z.number().int().min(5).max(3_600).optional(),
    /** Settings for the agent's tools (e.g. KNOWLEDGE_BASE_ID); never the platform's own variables. */
    env: RunJob.shape.env.optional(),
  })
  .strict();
export type ConversationBody = z.infer<typeof ConversationBody>;

export const TurnBody = z
  .object({ input: z.string().trim().min(1, 'give the agent something to answer').max(100_000) })
  .strict();
export type TurnBody = z.infer<typeof TurnBody>;

export const BuildBody = z.object({ generationId: z.string().min(1).max(100) }).strict();
export type BuildBody = z.infer<typeof BuildBody>;

/** Limits a builder may lower or raise within the platform's bounds. */
const LimitsInput = RunLimits.partial().strict();

export const RunBody = z
  .object({
    buildId: z.string().min(1).max(100),
    input: z.string().trim().min(1, 'give the agent something to answer').max(100_000),
    /** Settings for the agent's tools (e.g. KNOWLEDGE_BASE_ID); never the platform's own variables. */
    env: RunJob.shape.env.optional(),
    limits: LimitsInput.optional(),
  })
  .strict();
export type RunBody = z.infer<typeof RunBody>;

export const HistoryQuery = z
  .object({
    sessionId: z.string().min(1).max(100).optional(),
    generationId: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
  })
  .strict()
  .refine((q) => (q.sessionId === undefined) !== (q.generationId === undefined), {
    message: 'give either sessionId or generationId',
  });
export type HistoryQuery = z.infer<typeof HistoryQuery>;

/** What a WebSocket client sends on `/ws/testing/stream`. */
export const StreamMessage = z.discriminatedUnion('action', [
  RunBody.extend({ action: z.literal('run') }),
  TurnBody.extend({ action: z.literal('say'), conversationId: z.string().min(1).max(100) }),
  BuildBody.extend({ action: z.literal('build') }),
  z.object({ action: z.literal('cancel'), runId: z.string().min(1).max(100) }).strict(),
]);
export type StreamMessage = z.infer<typeof StreamMessage>;
