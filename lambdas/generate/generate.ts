import { createHash } from 'node:crypto';
import type { AgentSpec } from '../agent-spec/schema.ts';
import { assertValidSpec, type Registries } from '../registries/validate.ts';
import { buildContext } from './context.ts';
import { deploymentFiles } from './deployment.ts';
import { pythonProject } from './languages/python.ts';
import { typescriptProject } from './languages/typescript.ts';
import type { GeneratedProject, PackageRange } from './project.ts';
import { sanitizeSystemPrompt } from './sanitize.ts';
import { loadTemplates, type TemplateSet } from './templates.ts';

const INFRA_DEPENDENCIES: PackageRange[] = [
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
  // The language's files and the deployment target's: the two halves never plan the same path.
  const planned = [...plan.files, ...deploymentFiles(context)];
  const rendered = await Promise.all(
    planned.map(
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
