import { z } from 'zod';
import { AwsRegion } from '../core/aws-region.ts';
import { Infrastructure } from './infrastructure.ts';

/** The generated agent's language. */
export const Language = z.enum(['typescript', 'python']);
export type Language = z.infer<typeof Language>;

/** Where the generated agent runs. */
export const DeploymentTarget = z.enum(['agentcore', 'ecs-fargate', 'lambda']);
export type DeploymentTarget = z.infer<typeof DeploymentTarget>;

export const Architecture = z.enum(['arm64', 'x86_64']);
export type Architecture = z.infer<typeof Architecture>;

/** The deployment fields, without defaults: a patch names only what it changes. */
const deploymentFields = {
  target: DeploymentTarget,
  region: AwsRegion,
  /** AgentCore Runtime runs linux/arm64 only. */
  architecture: Architecture,
  /** Lambda memory, or the container memory for the other targets. */
  memoryMb: z.number().int().min(128).max(30_720),
  /** Lambda timeout; the others use it as the per-request limit. */
  timeoutSeconds: z.number().int().min(1).max(900),
  // Cost-estimate inputs (optional): ECS Fargate sizing and hours, AgentCore session profile.
  tasks: z.number().int().min(0).max(10_000),
  vcpu: z.number().positive(),
  memoryGb: z.number().positive(),
  hoursPerMonth: z.number().min(0).max(744),
  sessionSecondsPerRequest: z.number().nonnegative().max(28_800),
  activeCpuSecondsPerRequest: z.number().nonnegative().max(28_800),
};

export const Deployment = z
  .object({
    ...deploymentFields,
    target: deploymentFields.target.default('agentcore'),
    region: deploymentFields.region.default('us-east-1'),
    architecture: deploymentFields.architecture.default('arm64'),
    memoryMb: deploymentFields.memoryMb.default(1024),
    timeoutSeconds: deploymentFields.timeoutSeconds.default(120),
    tasks: deploymentFields.tasks.optional(),
    vcpu: deploymentFields.vcpu.optional(),
    memoryGb: deploymentFields.memoryGb.optional(),
    hoursPerMonth: deploymentFields.hoursPerMonth.optional(),
    sessionSecondsPerRequest: deploymentFields.sessionSecondsPerRequest.optional(),
    activeCpuSecondsPerRequest: deploymentFields.activeCpuSecondsPerRequest.optional(),
  })
  .strict();
export type Deployment = z.infer<typeof Deployment>;

/** Some deployment fields, and no defaults: applying it changes exactly the fields it names. */
export const DeploymentPatch = z.object(deploymentFields).partial().strict();
export type DeploymentPatch = z.infer<typeof DeploymentPatch>;

export const Usage = z
  .object({
    requestsPerMonth: z.number().int().nonnegative().max(1e12),
    avgInputTokens: z.number().int().nonnegative().max(10_000_000),
    avgOutputTokens: z.number().int().nonnegative().max(10_000_000),
    avgDurationSeconds: z.number().nonnegative().max(900).default(3),
  })
  .strict();
export type Usage = z.infer<typeof Usage>;

/** Some usage fields and no defaults: applying it changes exactly the fields it names. */
export const UsagePatch = z
  .object({
    requestsPerMonth: z.number().int().nonnegative().max(1e12),
    avgInputTokens: z.number().int().nonnegative().max(10_000_000),
    avgOutputTokens: z.number().int().nonnegative().max(10_000_000),
    avgDurationSeconds: z.number().nonnegative().max(900),
  })
  .partial()
  .strict();
export type UsagePatch = z.infer<typeof UsagePatch>;

/** What the builder can spend on the running agent each month; compared with the cost estimate. */
export const Budget = z.object({ monthlyUsd: z.number().positive().max(10_000_000) }).strict();
export type Budget = z.infer<typeof Budget>;

/**
 * Where a tool's secret comes from: the AWS Secrets Manager secret name (or ARN) by the environment
 * variable the agent reads (`SLACK_BOT_TOKEN` → `prod/slack-bot-token`). The value itself is never
 * typed into the platform.
 */
export const SecretRefs = z.record(
  z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'environment variable names are UPPER_SNAKE_CASE'),
  z
    .string()
    .regex(
      /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:)?[A-Za-z0-9/_+=.@-]{1,512}$/,
      'a Secrets Manager secret name (letters, digits and /_+=.@-) or its ARN',
    ),
);
export type SecretRefs = z.infer<typeof SecretRefs>;

/**
 * AgentCore Identity API key credential providers, by the environment variable the tool would
 * otherwise read (`TAVILY_API_KEY` → `tavily`): the deployed agent fetches the key from AgentCore
 * Identity with the workload access token of each request, instead of reading Secrets Manager at
 * start. AgentCore Runtime only (the runtime provides the token), and only for tools that read
 * their key per call (the tools registry marks them).
 */
export const ApiKeyProviders = z.record(
  z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'environment variable names are UPPER_SNAKE_CASE'),
  z
    .string()
    .regex(
      /^[a-zA-Z0-9_-]{1,128}$/,
      'an API key credential provider name (letters, digits, - and _; at most 128)',
    ),
);
export type ApiKeyProviders = z.infer<typeof ApiKeyProviders>;

/** A tool's configuration values, by parameter name; checked against the tool registry's parameters. */
export const ToolConfigValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);
export type ToolConfigValue = z.infer<typeof ToolConfigValue>;

/**
 * A change to an AgentSpec, as the builder's selections hold it and as every suggestion (a cost
 * optimisation, a compatibility alternative) carries it: the fields it names replace the current ones
 * (`tools` is the whole new list; `deployment` fields are merged one by one). Clients apply it as is.
 */
export const SpecPatch = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(4000).optional(),
    systemPrompt: z.string().min(1).max(200_000).optional(),
    model: z.string().min(1).optional(),
    tools: z.array(z.string().min(1)).max(40).optional(),
    toolConfig: z.record(z.string(), z.record(z.string(), ToolConfigValue)).optional(),
    language: Language.optional(),
    deployment: DeploymentPatch.optional(),
    /** The workload the builder expects (merged field by field, like `deployment`). */
    usage: UsagePatch.optional(),
    budget: Budget.optional(),
    secrets: SecretRefs.optional(),
    apiKeyProviders: ApiKeyProviders.optional(),
  })
  .strict();
export type SpecPatch = z.infer<typeof SpecPatch>;

/**
 * An AgentSpec as far as a session has got: every field it has, none filled by a default, and the
 * text fields empty until known. Generation validates it with {@link AgentSpec} first.
 */
export const AgentSpecDraft = z.object({
  name: z.string(),
  description: z.string().optional(),
  language: Language.optional(),
  model: z.string(),
  systemPrompt: z.string(),
  tools: z.array(z.string()),
  toolConfig: z.record(z.string(), z.record(z.string(), ToolConfigValue)),
  deployment: DeploymentPatch,
  usage: Usage.optional(),
  budget: Budget.optional(),
  secrets: SecretRefs.optional(),
  apiKeyProviders: ApiKeyProviders.optional(),
});
export type AgentSpecDraft = z.infer<typeof AgentSpecDraft>;

/** A suggested change: what it does, in words, and the patch that does it. */
export const Fix = z.object({ title: z.string(), patch: SpecPatch });
export type Fix = z.infer<typeof Fix>;

/** A Bedrock guardrail applied to every model call: its id (or ARN) and version (a number or DRAFT). */
export const Guardrail = z
  .object({
    id: z
      .string()
      .regex(
        /^([a-z0-9]+|arn:aws(-[a-z]+)*:bedrock:[a-z0-9-]{1,20}:\d{12}:guardrail\/[a-z0-9]+)$/,
        'a guardrail id (e.g. gr1a2b3c4d5e) or its ARN',
      ),
    version: z.string().regex(/^([1-9]\d{0,7}|DRAFT)$/, 'a guardrail version: a number, or DRAFT'),
  })
  .strict();
export type Guardrail = z.infer<typeof Guardrail>;

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
    /** Bedrock Guardrails on every model call (Bedrock models only). */
    guardrail: Guardrail.optional(),
    usage: Usage.optional(),
    budget: Budget.optional(),
    /** Secrets Manager secret names of the tools' secrets, by the environment variable the agent reads. */
    secrets: SecretRefs.optional(),
    /** AgentCore Identity API key providers of the tools' keys, by the environment variable (AgentCore only). */
    apiKeyProviders: ApiKeyProviders.optional(),
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
