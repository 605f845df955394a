import type { AgentSpec } from '../agent-spec/schema.ts';
import { defaultFargateSize } from '../cost/schema.ts';
import { invocationId } from '../models/registry.ts';
import type { ModelInfo } from '../models/schema.ts';
import type { Registries } from '../registries/validate.ts';
import { mergeDependencies } from '../tools/dependencies.ts';
import type { EnvVar, ToolInfo } from '../tools/schema.ts';
import { kebabCase, pascalCase, projectName, pythonPackageName, tsString } from './escape.ts';
import type { ProjectContext, ToolContext } from './project.ts';
import type { TemplateSet } from './templates.ts';

const LIMITS = { maxInputChars: 100_000 };

const PROVIDER_ENV: Record<ModelInfo['provider'], EnvVar[]> = {
  bedrock: [],
  ollama: [],
  openai: [{ name: 'OPENAI_API_KEY', description: 'OpenAI API key.', required: true, secret: true }],
  anthropic: [
    { name: 'ANTHROPIC_API_KEY', description: 'Anthropic Claude API key.', required: true, secret: true },
  ],
};

/** Fargate CPU units and memory (MiB) for the spec's memory, from the sizes Fargate offers. */
export function fargateSize(memoryMb: number): { cpu: number; memory: number } {
  const { vcpu, memoryGb } = defaultFargateSize(memoryMb);
  return { cpu: vcpu * 1024, memory: memoryGb * 1024 };
}

/**
 * The context every template and every code-built file of one generation reads: the spec plus what
 * is derived from it and the registries (names, model invocation id, tools, environment, sizes).
 * The spec must already be valid.
 */
export function buildContext(
  spec: AgentSpec,
  registries: Registries,
  templates: TemplateSet,
): ProjectContext {
  const modelInfo = registries.models.get(spec.model);
  const tools = spec.tools.map((id) => registries.tools.get(id));
  const invoke = invocationId(modelInfo, spec.deployment.region);
  const env = new Map<string, EnvVar>();
  for (const variable of [...PROVIDER_ENV[modelInfo.provider], ...tools.flatMap((t) => t.env)]) {
    const existing = env.get(variable.name);
    env.set(
      variable.name,
      existing ? { ...existing, required: existing.required || variable.required } : variable,
    );
  }
  const providers = spec.apiKeyProviders ?? {};
  const fromIdentity = (name: string) => providers[name] !== undefined;
  // A key from AgentCore Identity arrives with each request: not required at start, not in Secrets
  // Manager (a value set in the environment still wins, for local runs).
  const envList = [...env.values()].map((variable) => ({
    ...variable,
    required: variable.required && !fromIdentity(variable.name),
    testValue: testValue(variable.name),
  }));
  const toolContexts = tools.map((tool) => toolContext(tool, spec, templates));
  return {
    spec,
    projectName: projectName(spec.name),
    pythonPackage: pythonPackageName(spec.name),
    model: {
      ...modelInfo,
      invocationId: invoke,
      invocationNote:
        invoke === modelInfo.id
          ? 'the model id itself (on-demand in this Region).'
          : `the cross-Region inference profile ${invoke} (Bedrock requires a profile for this model).`,
      defaultMaxTokens: Math.min(modelInfo.maxOutputTokens, 4096),
    },
    tools: toolContexts,
    hasMcp: toolContexts.some((tool) => tool.kind === 'mcp-server'),
    hasAgentCoreMemory: toolContexts.some((tool) => tool.id === 'agent_core_memory'),
    env: envList,
    requiredEnv: envList.filter((e) => e.required),
    secretNames: envList.filter((e) => e.secret && !fromIdentity(e.name)).map((e) => e.name),
    apiKeyProviders: Object.entries(providers).map(([name, provider]) => ({ name, provider })),
    keysPerCall: envList.filter((e) => e.apiKeyProvider).map((e) => e.name),
    deployment: {
      ...spec.deployment,
      platform: spec.deployment.architecture === 'arm64' ? 'linux/arm64' : 'linux/amd64',
      runtimeName: runtimeName(spec.name),
    },
    stackId:
      `${pascalCase(spec.name) || 'Agent'}AgentStack`.replace(/^[^A-Za-z]+/, '').slice(0, 120) ||
      'AgentStack',
    fargate: fargateSize(spec.deployment.memoryMb),
    lambdaMemory: Math.min(spec.deployment.memoryMb, 10_240),
    limits: LIMITS,
    dependencies: mergeDependencies(tools, spec.language),
  };
}

/**
 * The placeholder a generated test sets a variable to: a URL for endpoints, hosts and URLs (clients
 * parse them when they are built), else `test-<name>`. Never a real value.
 */
export function testValue(name: string): string {
  const slug = kebabCase(name);
  return /_(ENDPOINT|URL|HOST)$/.test(name) ? `https://test-${slug}.example.com` : `test-${slug}`;
}

/** An AgentCore runtime name: a letter, then letters, digits and underscores, at most 48. */
export function runtimeName(name: string): string {
  const base = pythonPackageName(name).replace(/^_+/, '');
  return (/^[a-z]/.test(base) ? base : `agent_${base}`).slice(0, 48);
}

function toolContext(tool: ToolInfo, spec: AgentSpec, templates: TemplateSet): ToolContext {
  const impl = tool.implementations[spec.language];
  if (!impl) throw new Error(`${tool.id} has no ${spec.language} implementation`); // validateSpec rules this out
  const settings: Record<string, unknown> = {};
  for (const param of tool.config) {
    const value = spec.toolConfig[tool.id]?.[param.name] ?? param.default;
    settings[param.name] = value === undefined ? (param.type === 'string-list' ? [] : null) : value;
  }
  const fill = (arg: string) =>
    arg.replace(/\{config\.(\w+)\}/g, (_m, name: string) => String(settings[name] ?? ''));
  const mcpArgs = impl.mcp?.transport === 'stdio' ? impl.mcp.args.map(fill) : [];
  const language = spec.language;
  const ext = language === 'typescript' ? '.ts' : '.py';
  return {
    id: tool.id,
    name: tool.name,
    description: tool.description,
    example: tool.example,
    kind: impl.kind,
    module: impl.module,
    importSymbol: impl.symbol,
    file: kebabCase(tool.id),
    pyFile: tool.id,
    factory: `create${pascalCase(tool.id)}Tool`,
    pyFactory: `create_${tool.id}_tool`,
    settings,
    mcp: impl.mcp,
    perSession: impl.perSession ?? false,
    mcpArgs: mcpArgs.map(tsString),
    mcpPyArgs: mcpArgs,
    iam: tool.iam,
    // A tool's own template when it has one, else the template of its kind.
    template: templates.has(`agent/${language}/tools/${tool.id}${ext}`)
      ? `agent/${language}/tools/${tool.id}${ext}`
      : `agent/${language}/tools/_${impl.kind}${ext}`,
  };
}
