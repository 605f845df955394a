import { z } from 'zod';
import { DeploymentTarget, Fix, Language } from '../agent-spec/schema.ts';
import { mergeDependencies } from './dependencies.ts';
import type { ToolRegistry } from './registry.ts';
import { type ToolInfo, toolLanguages } from './schema.ts';

export const CompatibilityProblem = z.object({
  tool: z.string(),
  /** Machine-readable reason. */
  code: z.enum([
    'unsupported-platform',
    'unsupported-language',
    'conflict',
    'dependency-conflict',
    'limited-platform',
    'deprecated',
  ]),
  message: z.string(),
  /** Registry tools that would work here instead. */
  alternatives: z.array(z.string()),
  /** Changes that solve it, each a patch to apply as is: a working alternative, another target, dropping a tool. */
  fixes: z.array(Fix),
});
export type CompatibilityProblem = z.infer<typeof CompatibilityProblem>;

export const CompatibilityReport = z.object({
  ok: z.boolean(),
  target: DeploymentTarget,
  language: Language.optional(),
  errors: z.array(CompatibilityProblem),
  warnings: z.array(CompatibilityProblem),
});
export type CompatibilityReport = z.infer<typeof CompatibilityReport>;

/**
 * Checks a tool selection against a deployment target (and, when given, a language): tools the target
 * cannot run, limits to know about, conflicts between the selected tools and their dependency
 * versions. Every error names alternatives that do work here.
 */
export function validateCompatibility(
  registry: ToolRegistry,
  ids: readonly string[],
  target: DeploymentTarget,
  language?: Language,
): CompatibilityReport {
  const tools = [...new Set(ids)].map((id) => registry.get(id));
  const selected = new Set(tools.map((t) => t.id));
  const errors: CompatibilityProblem[] = [];
  const warnings: CompatibilityProblem[] = [];
  const worksHere = (t: ToolInfo) =>
    t.platforms[target].status !== 'unsupported' && (!language || toolLanguages(t).includes(language));
  const alternativesFor = (tool: ToolInfo) =>
    tool.alternatives.filter((id) => {
      const alt = registry.find(id);
      return alt !== undefined && !selected.has(id) && worksHere(alt);
    });
  const order = [...selected];
  const replace = (tool: ToolInfo, alternatives: string[]): Fix[] =>
    alternatives.map((alt) => ({
      title: `Use ${registry.get(alt).name} instead of ${tool.name}`,
      patch: { tools: order.map((id) => (id === tool.id ? alt : id)) },
    }));
  const drop = (tool: ToolInfo): Fix => ({
    title: `Remove ${tool.name}`,
    patch: { tools: order.filter((id) => id !== tool.id) },
  });
  // Targets on which every selected tool runs.
  const otherTargets = (): Fix[] =>
    DeploymentTarget.options
      .filter((t) => t !== target && tools.every((each) => each.platforms[t].status !== 'unsupported'))
      .map((t) => ({ title: `Deploy on ${t} instead of ${target}`, patch: { deployment: { target: t } } }));

  for (const tool of tools) {
    const support = tool.platforms[target];
    if (support.status === 'unsupported') {
      errors.push({
        tool: tool.id,
        code: 'unsupported-platform',
        message: `${tool.name} cannot run on ${target}: ${support.note ?? 'not supported'}`,
        alternatives: alternativesFor(tool),
        fixes: [...replace(tool, alternativesFor(tool)), ...otherTargets(), drop(tool)],
      });
    } else if (support.status === 'limited') {
      warnings.push({
        tool: tool.id,
        code: 'limited-platform',
        message: `${tool.name} on ${target}: ${support.note ?? ''}`,
        alternatives: [],
        fixes: [],
      });
    }
    if (language) {
      const impl = tool.implementations[language];
      if (!impl) {
        errors.push({
          tool: tool.id,
          code: 'unsupported-language',
          message: `${tool.name} has no ${language} implementation (it supports ${toolLanguages(tool).join(', ')})`,
          alternatives: alternativesFor(tool),
          fixes: [
            ...replace(tool, alternativesFor(tool)),
            ...Language.options
              .filter((l) => l !== language && tools.every((each) => toolLanguages(each).includes(l)))
              .map((l) => ({ title: `Generate the agent in ${l}`, patch: { language: l } })),
            drop(tool),
          ],
        });
      } else if (impl.deprecated) {
        warnings.push({
          tool: tool.id,
          code: 'deprecated',
          message: `${tool.name}: ${impl.deprecated}`,
          alternatives: alternativesFor(tool),
          fixes: replace(tool, alternativesFor(tool)),
        });
      }
    }
  }

  const reported = new Set<string>();
  for (const tool of tools) {
    for (const conflict of tool.conflicts) {
      if (!selected.has(conflict.tool)) continue;
      const pair = [tool.id, conflict.tool].sort().join('|');
      if (reported.has(pair)) continue;
      reported.add(pair);
      const problem: CompatibilityProblem = {
        tool: tool.id,
        code: 'conflict',
        message: `${tool.id} and ${conflict.tool}: ${conflict.reason}`,
        alternatives: [],
        fixes: [drop(registry.get(conflict.tool)), drop(tool)],
      };
      (conflict.severity === 'error' ? errors : warnings).push(problem);
    }
  }

  if (language) {
    for (const conflict of mergeDependencies(tools, language).conflicts) {
      errors.push({
        tool: conflict.demands[0]?.tool ?? '',
        code: 'dependency-conflict',
        message: conflict.explanation,
        alternatives: [],
        fixes: conflict.demands.map((d) => drop(registry.get(d.tool))),
      });
    }
  }
  return { ok: errors.length === 0, target, ...(language ? { language } : {}), errors, warnings };
}
