import { z } from 'zod';
import { Problem } from '../lambdas/core/contract.ts';

/**
 * The test-run contract shared by the harness, the platform's `test` feature, the WebSocket stream
 * and the web app: what a run is asked to do, what it streams, and what it ends with.
 */

/** Which model answered: every event and result says so, so an offline answer is never mistaken for Bedrock's. */
export const ModelInfo = z.object({
  kind: z.enum(['offline', 'bedrock', 'openai-compatible']),
  /** Human label: "offline model", "Amazon Bedrock", "OpenAI-compatible endpoint (…)". */
  label: z.string(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const RunLimits = z.object({
  /** Wall time of the agent's part of a run (start, health check, invocation), in ms. */
  timeoutMs: z.number().int().min(1_000).max(900_000).default(120_000),
  /** Wall time of installing and building, in ms. */
  buildTimeoutMs: z.number().int().min(5_000).max(1_800_000).default(600_000),
  /** Resident memory of the agent's whole process tree, in MiB. */
  memoryMb: z.number().int().min(128).max(8_192).default(1_024),
  /** Bytes of streamed output (text, tool calls, logs) before the run is stopped. */
  maxOutputBytes: z.number().int().min(1_024).max(16_777_216).default(1_048_576),
  /** CPU time of the agent's whole process tree, in seconds. */
  cpuSeconds: z.number().int().min(1).max(3_600).default(300),
  /** Processes (and threads) the agent may have at once (enforced where the agent has a user of its own). */
  maxProcesses: z.number().int().min(16).max(4_096).default(256),
  /** Open files per process of the agent. */
  maxOpenFiles: z.number().int().min(64).max(65_536).default(1_024),
});
export type RunLimits = z.infer<typeof RunLimits>;
/** The limits a run gets unless it asks for others. */
export const DEFAULT_LIMITS: RunLimits = RunLimits.parse({});

/** Environment variable names a builder may set for the agent (its tools' settings); never the platform's. */
const AgentEnvName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,127}$/, 'use UPPER_SNAKE_CASE names')
  .refine(
    (name) =>
      !/^(AWS_|AMAZON_|NODE_|NPM_|PYTHON|LD_|OTEL_)/.test(name) &&
      !['PATH', 'HOME', 'PORT', 'MODEL_ID', 'OLLAMA_HOST', 'SHELL', 'USER'].includes(name),
    'this name is reserved for the platform',
  );

export const RunJob = z.object({
  /**
   * `serve`: start the agent and keep it up for a conversation's turns (HarnessDeps.turns).
   * `evaluate`: run an evaluation suite (runner/main.ts): build, then warm agents of the build (`serve`
   * jobs of the harness) answer the suite's case runs; the harness itself runs only the other three.
   */
  mode: z.enum(['build', 'run', 'serve', 'evaluate']),
  runId: z.string().min(1).max(100),
  /** Where the project zip is: an artifact key in the platform store, or a local file (tests, CLI). */
  project: z.union([z.object({ artifactKey: z.string().min(1) }), z.object({ zipPath: z.string().min(1) })]),
  /** Build-output cache key (the build id): a run of the same build reuses the compiled project. */
  buildKey: z.string().min(1).max(100).optional(),
  input: z.string().max(100_000).default(''),
  /** When the builder asked for this job (ISO): the run's time to first token is measured from here too. */
  requestedAt: z.string().optional(),
  /** `serve`: how long the agent is kept without a turn before it is stopped (AgentCore's default: 15 min). */
  idleTimeoutMs: z.number().int().min(1_000).max(3_600_000).default(900_000),
  /** The AgentCore runtime session id (33+ characters) the invocation carries; generated when absent. */
  runtimeSessionId: z.string().min(33).max(256).optional(),
  env: z.record(AgentEnvName, z.string().max(10_000)).default({}),
  limits: RunLimits.default(DEFAULT_LIMITS),
  /**
   * Whose dependency cache this job may read and write in the shared store (a hash of the builder's
   * id): one builder's runs can never plant packages in another's.
   */
  cacheScope: z
    .string()
    .regex(/^[a-f0-9]{16}$/)
    .optional(),
});
export type RunJob = z.infer<typeof RunJob>;
export type RunJobInput = z.input<typeof RunJob>;

export const RunStatus = z.enum([
  'succeeded',
  'failed',
  'build_failed',
  'timeout',
  'cancelled',
  'output_limit',
  'memory_limit',
  'cpu_limit',
]);
export type RunStatus = z.infer<typeof RunStatus>;

export const RunMetrics = z.object({
  /** From the run request to the end of the agent's answer. */
  totalLatencyMs: z.number(),
  /** From sending the invocation to the first streamed text or tool call; null when none came. */
  timeToFirstTokenMs: z.number().nullable(),
  /**
   * From the builder's request (its receipt by the platform) to the first streamed text or tool call:
   * the wait they see, including any runner start, install, build and agent start.
   */
  requestToFirstTokenMs: z.number().optional(),
  installMs: z.number(),
  buildMs: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  toolCalls: z.number(),
  /** The agent process's exit code, or null when it was stopped by the harness (or never started). */
  exitCode: z.number().nullable(),
  status: RunStatus,
});
export type RunMetrics = z.infer<typeof RunMetrics>;

export const ToolCallRecord = z.object({
  toolUseId: z.string(),
  name: z.string(),
  input: z.unknown().optional(),
  status: z.string().optional(),
});
export type ToolCallRecord = z.infer<typeof ToolCallRecord>;

/**
 * One step of a run's timeline: a model call (as the gateway saw it) or a tool call (as the agent
 * reported it, with the size of the result the model got back). `startMs` is from the run's start.
 */
export const TraceSpan = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('model'),
    /** The model id the agent invoked. */
    name: z.string(),
    startMs: z.number(),
    durationMs: z.number(),
    inputTokens: z.number(),
    outputTokens: z.number(),
    stopReason: z.string().optional(),
    error: z.string().optional(),
  }),
  z.object({
    kind: z.literal('tool'),
    name: z.string(),
    toolUseId: z.string(),
    startMs: z.number(),
    /** Null when the tool never reported back (the run ended first). */
    durationMs: z.number().nullable(),
    input: z.unknown().optional(),
    resultBytes: z.number().optional(),
    status: z.string().optional(),
    error: z.string().optional(),
  }),
]);
export type TraceSpan = z.infer<typeof TraceSpan>;

export const RunResult = z.object({
  runId: z.string(),
  mode: z.enum(['build', 'run', 'serve', 'evaluate']),
  status: RunStatus,
  /** Why a run did not succeed, in words a builder can act on (the compiler's message for a failed build). */
  reason: z.string().optional(),
  language: z.enum(['typescript', 'python']).optional(),
  input: z.string(),
  /** The AgentCore runtime session id the invocation carried (33+ characters). */
  runtimeSessionId: z.string().optional(),
  output: z.string(),
  toolCalls: z.array(ToolCallRecord),
  /** The run's timeline: its model calls and tool calls. */
  trace: z.array(TraceSpan).optional(),
  /** The last lines of install, build and agent logs. */
  logs: z.array(z.string()),
  metrics: RunMetrics,
  model: ModelInfo,
  startedAt: z.string(),
  finishedAt: z.string(),
});
export type RunResult = z.infer<typeof RunResult>;

const Base = { runId: z.string(), seq: z.number().int(), atMs: z.number(), model: ModelInfo };

/** One streamed event; `seq` orders them, `atMs` is the time since the run started. */
export const RunEvent = z.discriminatedUnion('type', [
  z.object({
    ...Base,
    type: z.literal('status'),
    phase: z.enum(['fetching', 'installing', 'building', 'starting', 'invoking', 'stopping']),
    message: z.string(),
  }),
  z.object({
    ...Base,
    type: z.literal('log'),
    source: z.enum(['install', 'build', 'agent']),
    stream: z.enum(['stdout', 'stderr']),
    line: z.string(),
  }),
  z.object({ ...Base, type: z.literal('text'), text: z.string() }),
  z.object({
    ...Base,
    type: z.literal('tool_call'),
    name: z.string(),
    toolUseId: z.string(),
    input: z.unknown().optional(),
  }),
  z.object({ ...Base, type: z.literal('tool_result'), toolUseId: z.string(), status: z.string() }),
  z.object({ ...Base, type: z.literal('metrics'), metrics: RunMetrics }),
  z.object({ ...Base, type: z.literal('result'), result: RunResult }),
]);
export type RunEvent = z.infer<typeof RunEvent>;

/** An event before the harness stamps it with run id, sequence, time and model. */
export type RunEventBody = RunEvent extends infer E
  ? E extends RunEvent
    ? Omit<E, 'runId' | 'seq' | 'atMs' | 'model'>
    : never
  : never;

/**
 * What a WebSocket client receives: the platform's own notices (its run was accepted, is being
 * cancelled, failed to start, or the message was refused) and every event the runner streams.
 */
export const StreamEvent = z.union([
  z.object({
    type: z.literal('accepted'),
    runId: z.string(),
    buildId: z.string(),
    sessionId: z.string().optional(),
  }),
  z.object({ type: z.literal('build_accepted'), buildId: z.string() }),
  z.object({ type: z.literal('cancelling'), runId: z.string() }),
  z.object({ type: z.literal('run_failed'), runId: z.string(), reason: z.string() }),
  z.object({ type: z.literal('error'), problem: Problem }),
  RunEvent,
]);
export type StreamEvent = z.infer<typeof StreamEvent>;
