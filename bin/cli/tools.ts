import { Command } from 'commander';
import { validateCompatibility } from '../../lambdas/tools/compatibility.ts';
import { requirementLine, resolveDependencies } from '../../lambdas/tools/dependencies.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';
import { type ToolInfo, toolLanguages } from '../../lambdas/tools/schema.ts';
import { json, type Output, table } from './format.ts';
import { categoryOption, languageOption, platformOption } from './options.ts';

const STATUS_MARK = { supported: 'yes', limited: 'limited', unsupported: 'no' } as const;

function platformCell(tool: ToolInfo): string {
  return (['agentcore', 'ecs-fargate', 'lambda'] as const)
    .map((p) => `${p}: ${STATUS_MARK[tool.platforms[p].status]}`)
    .join('\n');
}

export function toolsCommand(io: Output, setExitCode: (code: number) => void): Command {
  const tools = new Command('tools')
    // Options before a subcommand belong to the list; after it, to the subcommand (both have --json).
    .enablePositionalOptions()
    .description('List tools, resolve their dependencies and check them against a deployment target')
    .addOption(categoryOption())
    .addOption(languageOption())
    .addOption(platformOption())
    .option('--search <text>', 'text to look for in id, name or description')
    .option('--json', 'print JSON')
    .action((opts) => {
      const found = loadToolRegistry().filter({
        category: opts.category,
        language: opts.language,
        platform: opts.platform,
        search: opts.search,
      });
      if (opts.json) return io.out(json(found));
      if (found.length === 0) return io.out('No tool matches these filters.');
      io.out(
        table(
          ['id', 'category', 'description', 'languages', 'platforms'],
          found.map((t) => [t.id, t.category, t.description, toolLanguages(t).join(', '), platformCell(t)]),
        ),
      );
      io.out(`${found.length} tool(s).`);
    });

  tools
    .command('show')
    .description('Show everything the registry knows about one tool')
    .argument('<id>', 'tool id')
    .option('--json', 'print JSON')
    .action((id: string, opts) => {
      const t = loadToolRegistry().get(id);
      if (opts.json) return io.out(json(t));
      const rows: string[][] = [
        ['id', t.id],
        ['name', `${t.name} (${t.category})`],
        ['description', t.description],
        ...toolLanguages(t).map((l) => {
          const impl = t.implementations[l];
          return [
            l,
            impl
              ? `${impl.kind}: ${impl.symbol} from ${impl.module}${impl.deprecated ? `\n(deprecated: ${impl.deprecated})` : ''}`
              : '',
          ];
        }),
        [
          'environment',
          t.env
            .map(
              (e) =>
                `${e.name}${e.secret ? ' (secret)' : ''}${e.required ? '' : ' (optional)'}: ${e.description}`,
            )
            .join('\n') || '—',
        ],
        ['IAM', t.iam.map((s) => `${s.actions.join(', ')} on ${s.resources.join(', ')}`).join('\n') || '—'],
        [
          'config',
          t.config
            .map((c) => `${c.name} (${c.type}${c.required ? ', required' : ''}): ${c.description}`)
            .join('\n') || '—',
        ],
        [
          'platforms',
          (['agentcore', 'ecs-fargate', 'lambda'] as const)
            .map(
              (p) =>
                `${p}: ${t.platforms[p].status}${t.platforms[p].note ? ` (${t.platforms[p].note})` : ''}`,
            )
            .join('\n'),
        ],
        ['conflicts', t.conflicts.map((c) => `${c.tool} (${c.severity}): ${c.reason}`).join('\n') || '—'],
        ['alternatives', t.alternatives.join(', ') || '—'],
        ['example', t.example],
        ['source', `${t.source} (as of ${t.asOf})`],
      ];
      io.out(table(['field', 'value'], rows));
    });

  tools
    .command('resolve')
    .description('Merge the dependencies of a tool selection and check it against a deployment target')
    .argument('<ids...>', 'tool ids')
    .addOption(languageOption().makeOptionMandatory())
    .addOption(platformOption())
    .option('--json', 'print JSON')
    .action((ids: string[], opts) => {
      const registry = loadToolRegistry();
      const dependencies = resolveDependencies(registry, ids, opts.language);
      const compatibility = opts.platform
        ? validateCompatibility(registry, ids, opts.platform, opts.language)
        : undefined;
      const ok =
        dependencies.conflicts.length === 0 &&
        dependencies.unsupported.length === 0 &&
        (compatibility?.ok ?? true);
      if (!ok) setExitCode(1);
      if (opts.json) return io.out(json({ ok, dependencies, ...(compatibility ? { compatibility } : {}) }));
      if (dependencies.packages.length > 0) {
        io.out(
          table(
            ['package', 'range', 'needed by'],
            dependencies.packages.map((p) => [p.name, p.range, p.requiredBy.join(', ')]),
          ),
        );
        io.out(`${dependencies.ecosystem === 'npm' ? 'package.json' : 'requirements.txt'}:`);
        for (const p of dependencies.packages) io.out(`  ${requirementLine(p, dependencies.ecosystem)}`);
      }
      for (const c of dependencies.conflicts) io.out(`✗ version conflict on ${c.name}: ${c.explanation}`);
      for (const id of dependencies.unsupported) io.out(`✗ ${id} has no ${opts.language} implementation.`);
      for (const e of compatibility?.errors ?? []) {
        if (e.code === 'dependency-conflict' || e.code === 'unsupported-language') continue;
        io.out(
          `✗ ${e.message}${e.alternatives.length > 0 ? ` Try instead: ${e.alternatives.join(', ')}.` : ''}`,
        );
      }
      for (const w of compatibility?.warnings ?? []) io.out(`! ${w.message}`);
      io.out(ok ? '✓ This selection resolves cleanly.' : 'This selection has problems; see ✗ above.');
    });

  return tools;
}

export function toolSummary(): string[] {
  const all = loadToolRegistry().all();
  const categories = new Set(all.map((t) => t.category));
  return [`${all.length} tools in ${categories.size} categories: ${[...categories].join(', ')}.`];
}
