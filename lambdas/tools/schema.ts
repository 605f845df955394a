import { z } from 'zod';
import { Language } from '../agent-spec/schema.ts';

export const ToolCategory = z.enum([
  'rag',
  'memory',
  'code-execution',
  'web',
  'file-system',
  'aws',
  'data',
  'communication',
  'utility',
  'mcp',
  'multi-agent',
]);
export type ToolCategory = z.infer<typeof ToolCategory>;

/** A package the tool needs, with the version range the generated project declares. */
export const PackageDependency = z
  .object({
    /** npm name, or pip name with optional extras: `strands-agents-tools[mem0_memory]`. */
    name: z.string().regex(/^(@[a-z0-9-~][a-z0-9-._~]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9_,-]+\])?$/),
    range: z.string().min(1),
  })
  .strict();
export type PackageDependency = z.infer<typeof PackageDependency>;

/**
 * How a tool is provided in one language:
 * - `strands-vended`: shipped in the Strands SDK (`@strands-agents/sdk/vended-tools/...`);
 * - `strands-tools`: from the `strands-agents-tools` Python package;
 * - `agentcore-builtin`: an Amazon Bedrock AgentCore built-in (Code Interpreter, Browser, Memory);
 * - `mcp-server`: an MCP server the agent connects to;
 * - `generated`: code the generator writes into the project (on the vendor's SDK).
 */
export const ImplementationKind = z.enum([
  'strands-vended',
  'strands-tools',
  'agentcore-builtin',
  'mcp-server',
  'generated',
]);
export type ImplementationKind = z.infer<typeof ImplementationKind>;

export const McpLaunch = z.discriminatedUnion('transport', [
  z.object({ transport: z.literal('stdio'), command: z.string().min(1), args: z.array(z.string()) }).strict(),
  z.object({ transport: z.literal('streamable-http'), urlFromConfig: z.string().min(1) }).strict(),
]);
export type McpLaunch = z.infer<typeof McpLaunch>;

export const ToolImplementation = z
  .object({
    kind: ImplementationKind,
    /** Import path (module) and exported name; for generated tools, the file the generator writes. */
    module: z.string().min(1),
    symbol: z.string().min(1),
    dependencies: z.array(PackageDependency),
    mcp: McpLaunch.optional(),
    /** Set when the upstream project has deprecated this implementation, with what to use instead. */
    deprecated: z.string().min(1).optional(),
    /**
     * The tool keeps a user's data (memories): it is built for each session with the session's id,
     * never shared between sessions, and never takes whose data it is from the model.
     */
    perSession: z.boolean().optional(),
  })
  .strict()
  .refine((impl) => (impl.kind === 'mcp-server') === (impl.mcp !== undefined), {
    message: 'an mcp-server implementation (and only one) says how the server is launched',
    path: ['mcp'],
  });
export type ToolImplementation = z.infer<typeof ToolImplementation>;

export const EnvVar = z
  .object({
    name: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'environment variable names are UPPER_SNAKE_CASE'),
    description: z.string().min(1),
    required: z.boolean(),
    /** Secret values are read from AWS Secrets Manager in deployed agents and never written to files. */
    secret: z.boolean(),
    /**
     * The generated tool reads this key per call, so a deployed AgentCore agent may fetch it from an
     * AgentCore Identity API key credential provider instead of Secrets Manager.
     */
    apiKeyProvider: z.boolean().optional(),
  })
  .strict();
export type EnvVar = z.infer<typeof EnvVar>;

/**
 * IAM permissions the tool needs. `resources` may use `{region}`, `{account}`, `{partition}` and
 * `{config.<param>}` placeholders, filled in by the deployment generator.
 */
export const IamStatement = z
  .object({
    actions: z.array(z.string().regex(/^[a-z0-9-]+:[A-Za-z*]+$/, 'expected service:Action')).min(1),
    resources: z.array(z.string().min(1)).min(1),
    /** Why the tool needs this; for a `*` resource, why AWS requires it. */
    why: z.string().min(1),
  })
  .strict()
  .refine((s) => s.actions.every((a) => !a.includes('*')), {
    message: 'no wildcard actions',
    path: ['actions'],
  })
  .refine((s) => !s.resources.includes('*') || /requires|no resource-level/i.test(s.why), {
    message: 'a "*" resource must say why AWS requires it',
    path: ['why'],
  });
export type IamStatement = z.infer<typeof IamStatement>;

export const ConfigParam = z
  .object({
    name: z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'config parameter names are camelCase'),
    type: z.enum(['string', 'integer', 'number', 'boolean', 'string-list']),
    description: z.string().min(1),
    required: z.boolean(),
    default: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]).optional(),
    enum: z.array(z.string()).optional(),
  })
  .strict();
export type ConfigParam = z.infer<typeof ConfigParam>;

export const PlatformSupport = z
  .object({
    status: z.enum(['supported', 'limited', 'unsupported']),
    /** Why it is limited or unsupported; shown to the builder. */
    note: z.string().min(1).optional(),
  })
  .strict()
  .refine((p) => p.status === 'supported' || p.note !== undefined, {
    message: 'a limited or unsupported platform says why',
    path: ['note'],
  });
export type PlatformSupport = z.infer<typeof PlatformSupport>;

export const ToolConflict = z
  .object({
    tool: z.string().min(1),
    severity: z.enum(['error', 'warning']),
    reason: z.string().min(1),
  })
  .strict();
export type ToolConflict = z.infer<typeof ToolConflict>;

export const ToolInfo = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'tool ids are snake_case'),
    name: z.string().min(1),
    category: ToolCategory,
    description: z.string().min(1),
    implementations: z
      .object({ typescript: ToolImplementation.optional(), python: ToolImplementation.optional() })
      .strict()
      .refine((i) => i.typescript !== undefined || i.python !== undefined, {
        message: 'a tool is implemented in at least one language',
      }),
    env: z.array(EnvVar),
    iam: z.array(IamStatement),
    config: z.array(ConfigParam),
    platforms: z
      .object({ agentcore: PlatformSupport, 'ecs-fargate': PlatformSupport, lambda: PlatformSupport })
      .strict(),
    conflicts: z.array(ToolConflict),
    alternatives: z.array(z.string()),
    /**
     * How builders ask for this tool in their own words ("post to Slack", "remember past sessions"):
     * the consultation's text search matches descriptions against these, the name and the category.
     */
    aliases: z.array(z.string().min(2).max(60)).default([]),
    example: z.string().min(1),
    source: z.url(),
    asOf: z.iso.date({ message: 'expected a date as YYYY-MM-DD' }),
  })
  .strict();
export type ToolInfo = z.infer<typeof ToolInfo>;

/** The languages a tool supports, in a stable order. */
export function toolLanguages(tool: ToolInfo): Language[] {
  return Language.options.filter((l) => tool.implementations[l] !== undefined);
}
