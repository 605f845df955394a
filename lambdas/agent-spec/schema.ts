import { z } from 'zod';
import { AwsRegion } from '../core/aws-region.ts';
import { Infrastructure } from './infrastructure.ts';

/** The generated agent's language. */
export const Language = z.enum(['typescript', 'python']);
export type Language = z.infer<typeof Language>;

/** Where the generated agent runs. */
export const DeploymentTarget = z.enum(['agentcore', 'ecs-fargate', 'lambda']);
export type DeploymentTarget = z.infer<typeof DeploymentTarget>;

export const Deployment = z
  .object({
    target: DeploymentTarget.default('agentcore'),
    region: AwsRegion.default('us-east-1'),
    /** AgentCore Runtime runs linux/arm64 only. */
    architecture: z.enum(['arm64', 'x86_64']).default('arm64'),
    /** Lambda memory, or the container memory for the other targets. */
    memoryMb: z.number().int().min(128).max(30_720).default(1024),
    /** Lambda timeout; the others use it as the per-request limit. */
    timeoutSeconds: z.number().int().min(1).max(900).default(120),
    // Cost-estimate inputs (optional): ECS Fargate sizing and hours, AgentCore session profile.
    tasks: z.number().int().min(0).max(10_000).optional(),
    vcpu: z.number().positive().optional(),
    memoryGb: z.number().positive().optional(),
    hoursPerMonth: z.number().min(0).max(744).optional(),
    sessionSecondsPerRequest: z.number().nonnegative().max(28_800).optional(),
    activeCpuSecondsPerRequest: z.number().nonnegative().max(28_800).optional(),
  })
  .strict();
export type Deployment = z.infer<typeof Deployment>;

export const Usage = z
  .object({
    requestsPerMonth: z.number().int().nonnegative().max(1e12),
    avgInputTokens: z.number().int().nonnegative().max(10_000_000),
    avgOutputTokens: z.number().int().nonnegative().max(10_000_000),
    avgDurationSeconds: z.number().nonnegative().max(900).default(3),
  })
  .strict();
export type Usage = z.infer<typeof Usage>;

/** A tool's configuration values, by parameter name; checked against the tool registry's parameters. */
export const ToolConfigValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);
export type ToolConfigValue = z.infer<typeof ToolConfigValue>;

/**
 * The AgentSpec: what the CLI reads from YAML/JSON, what the sessions workflow extracts, what
 * `generate` and `cost` take and what the web app edits. Unknown keys are rejected so typos surface.
 */
export const AgentSpec = z
  .object({
    /** Human name; the project and package names are derived from it safely. Any text. */
    name: z.string().trim().min(1, 'give the agent a name').max(200),
    description: z.string().max(4000).default(''),
    language: Language.default('typescript'),
    /** A models registry id. */
    model: z.string().min(1, 'choose a model id from the registry (models --json lists them)'),
    /** Any text: quotes, braces, backticks, unicode and newlines come out exactly. */
    systemPrompt: z.string().min(1, 'write a system prompt').max(200_000),
    tools: z
      .array(z.string().min(1))
      .max(40)
      .default([])
      .refine((ids) => new Set(ids).size === ids.length, 'list each tool once'),
    toolConfig: z.record(z.string(), z.record(z.string(), ToolConfigValue)).default({}),
    deployment: Deployment.default(Deployment.parse({})),
    usage: Usage.optional(),
    budget: z.object({ monthlyUsd: z.number().positive() }).strict().optional(),
    /** Infrastructure around the agent, for the cost estimate. */
    infrastructure: Infrastructure.optional(),
    /** Apply the always-free allowances (default true), and also the first-12-months ones (default false). */
    freeTier: z.boolean().optional(),
    freeTierNewAccount: z.boolean().optional(),
  })
  .strict();
export type AgentSpec = z.infer<typeof AgentSpec>;
export type AgentSpecInput = z.input<typeof AgentSpec>;

/** The AgentSpec as JSON Schema (draft 2020-12), for editors and other languages. */
export function agentSpecJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://agent-builder.dev/schemas/agent-spec.json',
    title: 'AgentSpec',
    ...z.toJSONSchema(AgentSpec, { io: 'input' }),
  };
}
