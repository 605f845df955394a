import { z } from 'zod';
import { RunJob, RunLimits, type RunResult } from '../../runner/events.ts';

/** A build of a generation: its project installed and compiled by the runner. */
export interface BuildRecord {
  id: string;
  owner: string;
  generationId: string;
  sessionId?: string;
  name?: string;
  language?: string;
  status: 'BUILDING' | 'READY' | 'FAILED';
  /** Why it failed: the compiler's or package manager's own message. */
  reason?: string;
  logs?: string[];
  installMs?: number;
  buildMs?: number;
  taskArn?: string;
  createdAt: string;
  finishedAt?: string;
}

/** A test run: one input sent to a built agent, with everything that came back. */
export interface TestRunRecord {
  id: string;
  owner: string;
  buildId: string;
  generationId: string;
  sessionId?: string;
  input: string;
  /** RUNNING until the runner reports; then the run's own status. */
  status: 'RUNNING' | RunResult['status'];
  reason?: string;
  /** The full streamed text; outputs over 32 KB are kept in S3 and read back with the record. */
  output?: string;
  outputKey?: string;
  toolCalls?: RunResult['toolCalls'];
  logs?: string[];
  metrics?: RunResult['metrics'];
  model?: RunResult['model'];
  /** The AgentCore runtime session id the invocation carried. */
  runtimeSessionId?: string;
  taskArn?: string;
  /** Deadline after which a run still RUNNING is reported as lost. */
  expiresAt: string;
  createdAt: string;
  finishedAt?: string;
}

export const BuildBody = z.object({ generationId: z.string().min(1).max(100) }).strict();

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
  .refine((q) => (q.sessionId === undefined) !== (q.generationId === undefined), {
    message: 'give either sessionId or generationId',
  });

/** What a WebSocket client sends on `/ws/testing/stream`. */
export const StreamMessage = z.discriminatedUnion('action', [
  RunBody.extend({ action: z.literal('run') }),
  z.object({ action: z.literal('cancel'), runId: z.string().min(1).max(100) }).strict(),
]);
export type StreamMessage = z.infer<typeof StreamMessage>;
