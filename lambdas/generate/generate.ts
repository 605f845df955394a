import { createHash } from 'node:crypto';
import type { AgentSpec } from '../agent-spec/schema.ts';
import type { FieldProblem } from '../core/errors.ts';
import { invocationId } from '../models/registry.ts';
import type { ModelInfo } from '../models/schema.ts';
import { assertValidSpec, type Registries } from '../registries/validate.ts';
import { type DependencySet, mergeDependencies } from '../tools/dependencies.ts';
import type { EnvVar, ToolImplementation, ToolInfo } from '../tools/schema.ts';
import { fargateSize } from './deployment.ts';
import { kebabCase, pascalCase, projectName, pythonPackageName, tsString } from './escape.ts';
import { pythonProject } from './python.ts';
import { sanitizeSystemPrompt } from './sanitize.ts';
import { loadTemplates, type TemplateSet } from './templates.ts';
import { typescriptProject } from './typescript.ts';

/** A generated project: files by path, and what a caller needs to know about them. */
export interface GeneratedProject {
  files: Record<string, string>;
  metadata: {
    name: string;
    language: AgentSpec['language'];
    files: string[];
    dependencies: { name: string; range: string }[];
    devDependencies: { name: string; range: string }[];
    /** npm packages of the infra/ CDK app. */
    infraDependencies: { name: string; range: string }[];
    warnings: FieldProblem[];
    /** sha256 of the canonical spec; with the templates' version it is the cache key. */
    specHash: string;
    templatesVersion: string;
  };
}

/** Everything the templates of both languages see. Built once per generation. */
export interface ProjectContext {
  spec: AgentSpec;
  projectName: string;
  pythonPackage: string;
  model: ModelInfo & { invocationId: string; invocationNote: string; defaultMaxTokens: number };
  tools: ToolContext[];
  env: EnvVar[];
  requiredEnv: EnvVar[];
  secretNames: string[];
  deployment: AgentSpec['deployment'] & { platform: 'linux/arm64' | 'linux/amd64'; runtimeName: string };
  /** CDK stack id of the infra/ app. */
  stackId: string;
  fargate: { cpu: number; memory: number };
  lambdaMemory: number;
  limits: { maxInputChars: number };
  dependencies: DependencySet;
}

export interface ToolContext {
  id: string;
  name: string;
  description: string;
  kind: ToolImplementation['kind'];
  module: string;
  importSymbol: string;
  /** The module file name without extension (kebab-case for TypeScript, snake_case for Python). */
  file: string;
  pyFile: string;
  /** The function that builds the tool: `createCalculatorTool` / `create_calculator_tool`. */
  factory: string;
  pyFactory: string;
  settings: Record<string, unknown>;
  mcp?: ToolImplementation['mcp'];
  /** MCP launch arguments as TypeScript / Python literals, placeholders filled from the settings. */
  mcpArgs: string[];
  mcpPyArgs: string[];
  /** Template used for this tool's module. */
  template: string;
  /** IAM statements the tool needs, from the tool registry. */
  iam: ToolInfo['iam'];
}

const LIMITS = { maxInputChars: 100_000 };
const INFRA_DEPENDENCIES = [
  { name: 'aws-cdk-lib', range: '^2.276.0' },
  { name: 'constructs', range: '^10.4.0' },
];
const CACHE_SIZE = 64;
const cache = new Map<string, GeneratedProject>();

/**
 * Generates the complete agent project for a spec. The spec is validated first (every problem
 * listed, nothing generated). Results are cached by the canonical spec's hash and the templates'
 * version. Files render concurrently.
 */
export async function generateAgentProject(
  input: unknown,
  registries: Registries,
  templates: TemplateSet = loadTemplates(),
): Promise<GeneratedProject> {
  const { spec, warnings } = assertValidSpec(input, registries);
  const specHash = hashSpec(spec);
  const key = `${specHash}:${templates.version}`;
  const cached = cache.get(key);
  if (cached) {
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const context = buildContext(spec, registries, templates);
  const plan = spec.language === 'typescript' ? typescriptProject(context) : pythonProject(context);
  const rendered = await Promise.all(
    plan.files.map(
      async (file) =>
        [
          file.path,
          'template' in file ? templates.render(file.template, file.context ?? context) : file.content,
        ] as const,
    ),
  );
  const files = Object.fromEntries(rendered.sort(([a], [b]) => a.localeCompare(b)));
  const promptFindings = sanitizeSystemPrompt(spec.systemPrompt).map((f) => ({
    path: 'systemPrompt',
    message: f.message,
  }));
  const project: GeneratedProject = {
    files,
    metadata: {
      name: context.projectName,
      language: spec.language,
      files: Object.keys(files),
      dependencies: plan.dependencies,
      devDependencies: plan.devDependencies,
      infraDependencies: INFRA_DEPENDENCIES,
      warnings: [...warnings, ...promptFindings],
      specHash,
      templatesVersion: templates.version,
    },
  };
  cache.set(key, project);
  while (cache.size > CACHE_SIZE) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
  return project;
}

/** sha256 of the spec as canonical JSON (keys sorted at every level). */
export function hashSpec(spec: AgentSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const PROVIDER_ENV: Record<ModelInfo['provider'], EnvVar[]> = {
  bedrock: [],
  ollama: [],
  openai: [{ name: 'OPENAI_API_KEY', description: 'OpenAI API key.', required: true, secret: true }],
  anthropic: [
    { name: 'ANTHROPIC_API_KEY', description: 'Anthropic Claude API key.', required: true, secret: true },
  ],
};

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
  const envList = [...env.values()];
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
    tools: tools.map((tool) => toolContext(tool, spec, templates)),
    env: envList,
    requiredEnv: envList.filter((e) => e.required),
    secretNames: envList.filter((e) => e.secret).map((e) => e.name),
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
    kind: impl.kind,
    module: impl.module,
    importSymbol: impl.symbol,
    file: kebabCase(tool.id),
    pyFile: tool.id,
    factory: `create${pascalCase(tool.id)}Tool`,
    pyFactory: `create_${tool.id}_tool`,
    settings,
    mcp: impl.mcp,
    mcpArgs: mcpArgs.map(tsString),
    mcpPyArgs: mcpArgs,
    // A tool's own template when it has one, else the template of its kind.
    iam: tool.iam,
    template: templates.has(`agent/${language}/tools/${tool.id}${ext}`)
      ? `agent/${language}/tools/${tool.id}${ext}`
      : `agent/${language}/tools/_${impl.kind}${ext}`,
  };
}
