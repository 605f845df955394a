import { AgentSpec, type AgentSpecInput, type ToolConfigValue } from '../agent-spec/schema.ts';
import type { FieldProblem } from '../core/errors.ts';
import { PermissionWideningError, ValidationError } from '../core/errors.ts';
import { zodProblems } from '../core/zod-problems.ts';
import { availableInRegion, type ModelRegistry } from '../models/registry.ts';
import { mergeDependencies } from '../tools/dependencies.ts';
import type { ToolRegistry } from '../tools/registry.ts';
import { type ConfigParam, type ToolInfo, toolLanguages } from '../tools/schema.ts';
import { iamNameProblems } from './iam-names.ts';

export interface Registries {
  models: ModelRegistry;
  tools: ToolRegistry;
}

export type SpecValidation =
  | { ok: true; spec: AgentSpec; warnings: FieldProblem[] }
  | { ok: false; errors: FieldProblem[]; warnings: FieldProblem[] };

/**
 * Validates an AgentSpec: its shape, and every cross-check against the registries (the model exists,
 * has tool use when tools are chosen and is callable from the region; each tool exists, has an
 * implementation in the language, runs on the target and gets valid configuration; dependencies
 * resolve). Every problem is listed by path; warnings never block.
 */
export function validateSpec(input: unknown, registries: Registries): SpecValidation {
  const parsed = AgentSpec.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: [...zodProblems(parsed.error), ...referenceProblems(input, registries)],
      warnings: [],
    };
  }
  const spec = parsed.data;
  const errors: FieldProblem[] = [];
  const warnings: FieldProblem[] = [];
  const { target, region, architecture } = spec.deployment;

  const model = registries.models.find(spec.model);
  if (!model) {
    errors.push({ path: 'model', message: `unknown model id "${spec.model}"; list ids with: models --json` });
  } else {
    if (spec.tools.length > 0 && !model.capabilities.includes('tool-use')) {
      errors.push({
        path: 'model',
        message: `${model.name} does not support tool use, but tools are selected; choose a model with "tool-use" or remove the tools`,
      });
    }
    if (model.provider === 'bedrock' && !availableInRegion(model, region)) {
      errors.push({
        path: 'deployment.region',
        message: `${model.name} is not available in ${region}${model.regions.length > 0 ? `; it is in ${model.regions.join(', ')}` : ''}`,
      });
    }
    const { lifecycle } = model;
    if (lifecycle.status === 'retired') {
      const replacement = registries.models.find(lifecycle.replacement);
      warnings.push({
        path: 'model',
        message: `${model.name} was retired on ${lifecycle.date} and no longer answers; use ${replacement ? `${replacement.name} (${replacement.id})` : lifecycle.replacement} instead`,
      });
    } else if (lifecycle.status === 'legacy') {
      const replacement = lifecycle.replacement ? registries.models.find(lifecycle.replacement) : undefined;
      warnings.push({
        path: 'model',
        message: `${model.name} is a legacy model${lifecycle.retiresOn ? ` retiring on ${lifecycle.retiresOn}` : ''}${replacement ? `; its successor is ${replacement.name} (${replacement.id})` : ''}`,
      });
    }
    if (spec.guardrail && model.provider !== 'bedrock') {
      errors.push({
        path: 'guardrail',
        message: `Bedrock Guardrails apply to Bedrock models only; ${model.name} is called through ${model.provider}: remove the guardrail or choose a Bedrock model`,
      });
    }
    if (model.provider === 'ollama') {
      warnings.push({
        path: 'model',
        message: `${model.name} runs on Ollama: the deployed agent needs OLLAMA_HOST to reach an Ollama server`,
      });
    }
    if (model.provider === 'openai' || model.provider === 'anthropic') {
      warnings.push({
        path: 'model',
        message: `${model.name} is called outside AWS; the deployed agent reads its API key from Secrets Manager`,
      });
    }
  }

  if (target === 'agentcore' && architecture !== 'arm64') {
    errors.push({
      path: 'deployment.architecture',
      message: 'Bedrock AgentCore Runtime runs linux/arm64 only; use arm64',
    });
  }
  if (target === 'lambda' && spec.deployment.memoryMb > 10_240) {
    errors.push({ path: 'deployment.memoryMb', message: 'Lambda memory is 128 to 10,240 MB' });
  }

  const known = [];
  for (const [index, id] of spec.tools.entries()) {
    const path = `tools[${index}]`;
    const tool = registries.tools.find(id);
    if (!tool) {
      errors.push({ path, message: `unknown tool id "${id}"; list ids with: tools --json` });
      continue;
    }
    known.push(tool);
    if (!tool.implementations[spec.language]) {
      errors.push({
        path,
        message: `${tool.name} has no ${spec.language} implementation (it supports ${toolLanguages(tool).join(', ')})${alternativesText(tool.alternatives)}`,
      });
    }
    const support = tool.platforms[target];
    if (support.status === 'unsupported') {
      errors.push({
        path,
        message: `${tool.name} cannot run on ${target}: ${support.note ?? ''}${alternativesText(tool.alternatives)}`,
      });
    } else if (support.status === 'limited') {
      warnings.push({ path, message: `${tool.name} on ${target}: ${support.note ?? ''}` });
    }
    const deprecated = tool.implementations[spec.language]?.deprecated;
    if (deprecated) warnings.push({ path, message: `${tool.name}: ${deprecated}` });
    errors.push(...checkToolConfig(id, tool.config, spec.toolConfig[id] ?? {}));
    errors.push(...iamNameProblems(id, spec.toolConfig[id] ?? {}));
  }
  for (const id of Object.keys(spec.toolConfig)) {
    if (!spec.tools.includes(id)) {
      errors.push({ path: `toolConfig.${id}`, message: `configuration for "${id}", which is not in tools` });
    }
  }
  const selected = new Set(spec.tools);
  const seen = new Set<string>();
  for (const tool of known) {
    for (const conflict of tool.conflicts) {
      const pair = [tool.id, conflict.tool].sort().join('|');
      if (!selected.has(conflict.tool) || seen.has(pair)) continue;
      seen.add(pair);
      const problem = {
        path: `tools[${spec.tools.indexOf(tool.id)}]`,
        message: `${tool.id} and ${conflict.tool}: ${conflict.reason}`,
      };
      (conflict.severity === 'error' ? errors : warnings).push(problem);
    }
  }
  errors.push(...apiKeyProviderProblems(spec, known));
  for (const conflict of mergeDependencies(
    known.filter((t) => t.implementations[spec.language]),
    spec.language,
  ).conflicts) {
    errors.push({ path: 'tools', message: conflict.explanation });
  }

  return errors.length > 0 ? { ok: false, errors, warnings } : { ok: true, spec, warnings };
}

/**
 * Each AgentCore Identity API key provider names a key a chosen tool reads per call, on AgentCore
 * Runtime (which gives the agent the workload access token), and is the key's only source.
 */
function apiKeyProviderProblems(spec: AgentSpec, tools: ToolInfo[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const name of Object.keys(spec.apiKeyProviders ?? {})) {
    const path = `apiKeyProviders.${name}`;
    const variable = tools.flatMap((t) => t.env).find((e) => e.name === name);
    if (!variable) {
      problems.push({ path, message: `no chosen tool reads ${name}; remove it from apiKeyProviders` });
      continue;
    }
    if (!variable.apiKeyProvider) {
      problems.push({
        path,
        message: `${name} is read from the environment by its tool at start, so it cannot come from AgentCore Identity; keep it in Secrets Manager (secrets.${name})`,
      });
    }
    if (spec.deployment.target !== 'agentcore') {
      problems.push({
        path,
        message: `AgentCore Identity gives keys to agents on AgentCore Runtime only; deploy to agentcore, or keep ${name} in Secrets Manager (secrets.${name})`,
      });
    }
    if (spec.secrets?.[name]) {
      problems.push({
        path,
        message: `${name} has both a Secrets Manager secret and an AgentCore Identity provider; keep one of them`,
      });
    }
  }
  return problems;
}

/** Like validateSpec, but returns the spec or throws a ValidationError listing every problem. */
export function assertValidSpec(
  input: AgentSpecInput | unknown,
  registries: Registries,
): { spec: AgentSpec; warnings: FieldProblem[] } {
  const result = validateSpec(input, registries);
  if (!result.ok) {
    const widening = wideningProblems(input);
    if (widening.length > 0)
      throw new PermissionWideningError(
        `${widening.map((p) => p.path).join(', ')} would widen the agent's IAM permissions; give exact names as AWS writes them`,
        result.errors,
      );
    throw new ValidationError(`the AgentSpec has ${result.errors.length} problem(s)`, result.errors);
  }
  return { spec: result.spec, warnings: result.warnings };
}

/** The tool settings of a spec (valid or not) that would widen its IAM policy. */
function wideningProblems(input: unknown): FieldProblem[] {
  const toolConfig = (input as { toolConfig?: unknown } | null)?.toolConfig;
  if (typeof toolConfig !== 'object' || toolConfig === null) return [];
  return Object.entries(toolConfig).flatMap(([id, values]) =>
    typeof values === 'object' && values !== null
      ? iamNameProblems(id, values as Record<string, ToolConfigValue>)
      : [],
  );
}

/** When the shape is wrong, still report unknown model and tool ids, so one run lists every problem. */
function referenceProblems(input: unknown, registries: Registries): FieldProblem[] {
  if (typeof input !== 'object' || input === null) return [];
  const { model, tools } = input as { model?: unknown; tools?: unknown };
  const problems: FieldProblem[] = [];
  if (typeof model === 'string' && model !== '' && !registries.models.find(model)) {
    problems.push({ path: 'model', message: `unknown model id "${model}"; list ids with: models --json` });
  }
  if (Array.isArray(tools)) {
    tools.forEach((id, index) => {
      if (typeof id === 'string' && id !== '' && !registries.tools.find(id)) {
        problems.push({
          path: `tools[${index}]`,
          message: `unknown tool id "${id}"; list ids with: tools --json`,
        });
      }
    });
  }
  return problems;
}

function alternativesText(alternatives: string[]): string {
  return alternatives.length > 0 ? `; alternatives: ${alternatives.join(', ')}` : '';
}

function checkToolConfig(
  toolId: string,
  params: ConfigParam[],
  values: Record<string, ToolConfigValue>,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const byName = new Map(params.map((p) => [p.name, p]));
  for (const [name, value] of Object.entries(values)) {
    const path = `toolConfig.${toolId}.${name}`;
    const param = byName.get(name);
    if (!param) {
      problems.push({
        path,
        message: `"${toolId}" has no parameter "${name}"${params.length > 0 ? `; it takes ${params.map((p) => p.name).join(', ')}` : '; it takes none'}`,
      });
      continue;
    }
    const typeOk =
      (param.type === 'string' && typeof value === 'string') ||
      (param.type === 'boolean' && typeof value === 'boolean') ||
      (param.type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
      (param.type === 'integer' && typeof value === 'number' && Number.isInteger(value)) ||
      (param.type === 'string-list' && Array.isArray(value));
    if (!typeOk) {
      problems.push({
        path,
        message: `expected ${param.type === 'string-list' ? 'a list of strings' : `a ${param.type}`}`,
      });
    } else if (param.enum && typeof value === 'string' && !param.enum.includes(value)) {
      problems.push({ path, message: `expected one of ${param.enum.join(', ')}` });
    }
  }
  for (const param of params) {
    if (param.required && param.default === undefined && values[param.name] === undefined) {
      problems.push({
        path: `toolConfig.${toolId}.${param.name}`,
        message: `required: ${param.description}`,
      });
    }
  }
  return problems;
}
