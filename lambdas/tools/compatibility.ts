import type { DeploymentTarget, Language } from '../agent-spec/schema.ts';
import { mergeDependencies } from './dependencies.ts';
import type { ToolRegistry } from './registry.ts';
import { type ToolInfo, toolLanguages } from './schema.ts';

export interface CompatibilityProblem {
  tool: string;
  /** Machine-readable reason: `unsupported-platform`, `unsupported-language`, `conflict`, `dependency-conflict`, `limited-platform`, `deprecated`. */
  code: string;
  message: string;
  /** Registry tools that would work here instead. */
  alternatives: string[];
}

export interface CompatibilityReport {
  ok: boolean;
  target: DeploymentTarget;
  language?: Language;
  errors: CompatibilityProblem[];
  warnings: CompatibilityProblem[];
}

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

  for (const tool of tools) {
    const support = tool.platforms[target];
    if (support.status === 'unsupported') {
      errors.push({
        tool: tool.id,
        code: 'unsupported-platform',
        message: `${tool.name} cannot run on ${target}: ${support.note ?? 'not supported'}`,
        alternatives: alternativesFor(tool),
      });
    } else if (support.status === 'limited') {
      warnings.push({
        tool: tool.id,
        code: 'limited-platform',
        message: `${tool.name} on ${target}: ${support.note ?? ''}`,
        alternatives: [],
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
        });
      } else if (impl.deprecated) {
        warnings.push({
          tool: tool.id,
          code: 'deprecated',
          message: `${tool.name}: ${impl.deprecated}`,
          alternatives: alternativesFor(tool),
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
      const problem = {
        tool: tool.id,
        code: 'conflict',
        message: `${tool.id} and ${conflict.tool}: ${conflict.reason}`,
        alternatives: [],
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
      });
    }
  }
  return { ok: errors.length === 0, target, ...(language ? { language } : {}), errors, warnings };
}
