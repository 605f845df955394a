import { z } from 'zod';
import { Language } from '../agent-spec/schema.ts';

/** Generate from a session (its extracted spec) or from an AgentSpec; exactly one of the two. */
export const GenerateBody = z
  .object({
    sessionId: z.string().min(1).max(100).optional(),
    /** An AgentSpec (see `spec-schema`); validated against the registries before anything runs. */
    spec: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((b) => (b.sessionId === undefined) !== (b.spec === undefined), {
    message: 'give either sessionId or spec',
  });
export type GenerateBody = z.infer<typeof GenerateBody>;

/** A generation as the API shows it: its outcome, its files and its estimated cost. */
export const Generation = z.object({
  id: z.string(),
  sessionId: z.string().optional(),
  status: z.enum(['SUCCEEDED', 'FAILED']),
  /** Why it failed, in words a builder can act on. */
  reason: z.string().optional(),
  /** The template set it was (or would have been) rendered with: the templates' content hash. */
  templates: z.string().optional(),
  name: z.string().optional(),
  language: Language.optional(),
  /** Paths of the generated files, for `GET /api/code-generation/{id}/files/{path}`. */
  files: z.array(z.string()).optional(),
  warnings: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  zipBytes: z.number().int().nonnegative().optional(),
  cost: z.object({ monthlyUsd: z.number(), annualUsd: z.number() }).optional(),
  /** For a session's agent: which version this is (v1, v2, …) and what changed in the spec since the previous one. */
  version: z.number().int().positive().optional(),
  changes: z
    .array(z.object({ field: z.string(), from: z.string().optional(), to: z.string().optional() }))
    .optional(),
  /** The same spec was generated before with these templates: its files are shared. */
  cached: z.boolean().optional(),
  createdAt: z.string(),
});
export type Generation = z.infer<typeof Generation>;

/** A session's versions (newest first), and whether its current spec is the latest version's. */
export const Versions = z.object({
  versions: z.array(Generation),
  current: z.object({
    /** False when the selections changed after the latest version: its code is out of date. */
    upToDate: z.boolean(),
    /** What differs between the latest version's spec and the session's spec now. */
    changes: z.array(z.object({ field: z.string(), from: z.string().optional(), to: z.string().optional() })),
    /** Why the session's spec cannot be generated now, when it cannot. */
    blocked: z.string().optional(),
  }),
});
export type Versions = z.infer<typeof Versions>;

const Command = z.object({
  /** What it does, in words. */
  title: z.string(),
  /** The exact command, run from the project's root. */
  command: z.string(),
  /** The generated script it runs, to read before running it. */
  file: z.string().optional(),
  note: z.string().optional(),
});

/** The deploy step of a version: what to have, what to run (in order), what it costs and may do. */
export const DeployPlan = z.object({
  generationId: z.string(),
  version: z.number().int().positive().optional(),
  target: z.enum(['agentcore', 'ecs-fargate', 'lambda']),
  region: z.string(),
  architecture: z.enum(['arm64', 'x86_64']),
  checklist: z.array(
    z.object({ id: z.string(), label: z.string(), detail: z.string(), check: z.string().optional() }),
  ),
  steps: z.array(Command),
  invoke: Command,
  teardown: Command,
  monthlyUsd: z.number().optional(),
  /** The permissions the agent's role gets, statement by statement (least privilege). */
  iam: z.array(
    z.object({
      sid: z.string(),
      actions: z.array(z.string()),
      resources: z.array(z.string()),
      why: z.string().optional(),
    }),
  ),
});
export type DeployPlan = z.infer<typeof DeployPlan>;
