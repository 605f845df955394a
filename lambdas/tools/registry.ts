import { z } from 'zod';
import { DeploymentTarget, Language } from '../agent-spec/schema.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { parseRegistryFile } from '../core/registry-data.ts';
import { ToolCategory, type ToolInfo, ToolInfo as ToolInfoSchema, toolLanguages } from './schema.ts';

export const ToolFilter = z
  .object({
    category: ToolCategory.optional(),
    language: Language.optional(),
    /** Only tools that can run on this deployment target (supported or limited). */
    platform: DeploymentTarget.optional(),
    /** Case-insensitive text matched against id, name and description. */
    search: z.string().max(200).optional(),
  })
  .strict();
export type ToolFilter = z.infer<typeof ToolFilter>;

/** The registry of tools. Read-only, indexed once; queries are in-memory. */
export class ToolRegistry {
  private readonly byId: ReadonlyMap<string, ToolInfo>;

  constructor(private readonly tools: readonly ToolInfo[]) {
    this.byId = new Map(tools.map((t) => [t.id, t]));
  }

  /**
   * Builds a registry from the contents of a tools registry file: every entry is validated, and every
   * tool named in `conflicts` and `alternatives` must exist.
   */
  static fromData(data: unknown): ToolRegistry {
    const tools = parseRegistryFile('tools', ToolInfoSchema, data);
    const ids = new Set(tools.map((t) => t.id));
    const problems = tools.flatMap((tool, index) => [
      ...tool.conflicts
        .map((c, i) => ({ ref: c.tool, path: `tools[${index}].conflicts[${i}].tool` }))
        .concat(tool.alternatives.map((a, i) => ({ ref: a, path: `tools[${index}].alternatives[${i}]` })))
        .filter(({ ref }) => !ids.has(ref) || ref === tool.id)
        .map(({ ref, path }) => ({
          path,
          message: ref === tool.id ? 'a tool cannot refer to itself' : `unknown tool id "${ref}"`,
        })),
    ]);
    if (problems.length > 0) {
      throw new ValidationError(`tools registry has ${problems.length} invalid reference(s)`, problems);
    }
    return new ToolRegistry(tools);
  }

  all(): readonly ToolInfo[] {
    return this.tools;
  }

  find(id: string): ToolInfo | undefined {
    return this.byId.get(id);
  }

  get(id: string): ToolInfo {
    const tool = this.byId.get(id);
    if (tool) return tool;
    const needle = id.toLowerCase();
    const close = this.tools
      .filter(
        (t) =>
          needle.length >= 3 &&
          (t.id.includes(needle) || needle.includes(t.id) || t.name.toLowerCase().includes(needle)),
      )
      .slice(0, 3)
      .map((t) => `"${t.id}"`);
    throw new NotFoundError(
      `unknown tool id "${id}"${close.length > 0 ? `; did you mean ${close.join(', ')}?` : ''} (list ids with: tools --json)`,
    );
  }

  filter(filter: ToolFilter = {}): ToolInfo[] {
    const search = filter.search?.trim().toLowerCase();
    return this.tools.filter(
      (t) =>
        (filter.category === undefined || t.category === filter.category) &&
        (filter.language === undefined || toolLanguages(t).includes(filter.language)) &&
        (filter.platform === undefined || t.platforms[filter.platform].status !== 'unsupported') &&
        (!search || [t.id, t.name, t.description].some((field) => field.toLowerCase().includes(search))),
    );
  }
}
