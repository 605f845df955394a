import { z } from 'zod';
import { Language } from '../agent-spec/schema.ts';
import type { ToolRegistry } from './registry.ts';
import type { ToolInfo } from './schema.ts';
import { npmRanges, parsePipName, pipRanges } from './versions.ts';

export const ResolvedPackage = z.object({
  /** Package name (pip names normalised per PEP 503). */
  name: z.string(),
  /** The range that satisfies every tool that needs the package. */
  range: z.string(),
  /** pip extras, merged across tools (`strands-agents-tools[mem0_memory]`). */
  extras: z.array(z.string()),
  requiredBy: z.array(z.string()),
});
export type ResolvedPackage = z.infer<typeof ResolvedPackage>;

export const VersionConflict = z.object({
  name: z.string(),
  demands: z.array(z.object({ tool: z.string(), range: z.string() })),
  /** Why no version satisfies them, and what to do. */
  explanation: z.string(),
});
export type VersionConflict = z.infer<typeof VersionConflict>;

export const DependencySet = z.object({
  language: Language,
  ecosystem: z.enum(['npm', 'pip']),
  packages: z.array(ResolvedPackage),
  conflicts: z.array(VersionConflict),
  /** Requested tools that have no implementation in this language. */
  unsupported: z.array(z.string()),
});
export type DependencySet = z.infer<typeof DependencySet>;

/**
 * Merges the dependencies of the given tools for one language into one package set. Packages needed
 * by several tools get the range satisfying all of them; where none exists, a conflict says which
 * tools disagree and how.
 */
export function resolveDependencies(
  registry: ToolRegistry,
  ids: readonly string[],
  language: Language,
): DependencySet {
  return mergeDependencies(
    [...new Set(ids)].map((id) => registry.get(id)),
    language,
  );
}

/** The merge behind `resolveDependencies`, for callers that already hold the tools. */
export function mergeDependencies(tools: readonly ToolInfo[], language: Language): DependencySet {
  const ecosystem = language === 'typescript' ? 'npm' : 'pip';
  const algebra = ecosystem === 'npm' ? npmRanges : pipRanges;
  const groups = new Map<string, { extras: Set<string>; demands: { tool: string; range: string }[] }>();
  const unsupported: string[] = [];
  for (const tool of tools) {
    const impl = tool.implementations[language];
    if (!impl) {
      unsupported.push(tool.id);
      continue;
    }
    for (const dep of impl.dependencies) {
      const { name, extras } = ecosystem === 'pip' ? parsePipName(dep.name) : { name: dep.name, extras: [] };
      const group = groups.get(name) ?? { extras: new Set<string>(), demands: [] };
      for (const extra of extras) group.extras.add(extra);
      if (!group.demands.some((d) => d.tool === tool.id && d.range === dep.range)) {
        group.demands.push({ tool: tool.id, range: dep.range });
      }
      groups.set(name, group);
    }
  }
  const packages: ResolvedPackage[] = [];
  const conflicts: VersionConflict[] = [];
  for (const [name, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const range = algebra.combine(group.demands.map((d) => d.range));
    const requiredBy = [...new Set(group.demands.map((d) => d.tool))];
    if (range === undefined) {
      conflicts.push({
        name,
        demands: group.demands,
        explanation: `No version of ${name} satisfies ${group.demands.map((d) => `${d.tool} (${d.range})`).join(' and ')}. Drop one of these tools or choose an alternative to it.`,
      });
      continue;
    }
    packages.push({ name, range, extras: [...group.extras].sort(), requiredBy });
  }
  return { language, ecosystem, packages, conflicts, unsupported };
}

/** A resolved package as a requirement line: `name[extras]range` (pip) or `name@range` (npm). */
export function requirementLine(pkg: ResolvedPackage, ecosystem: 'npm' | 'pip'): string {
  if (ecosystem === 'npm') return `${pkg.name}@${pkg.range}`;
  return `${pkg.name}${pkg.extras.length > 0 ? `[${pkg.extras.join(',')}]` : ''}${pkg.range}`;
}
