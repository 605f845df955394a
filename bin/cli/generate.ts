import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { parseSpecText } from '../../lambdas/agent-spec/parse.ts';
import { agentSpecJsonSchema, DeploymentTarget } from '../../lambdas/agent-spec/schema.ts';
import { ValidationError } from '../../lambdas/core/errors.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';
import { json, type Output } from './format.ts';
import { languageOption } from './options.ts';

/** Reads an AgentSpec file (YAML or JSON) as a plain object; the callers validate it. */
export function readSpec(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new ValidationError(`spec file not found: ${file}`);
  const parsed = parseSpecText(readFileSync(file, 'utf8'), file);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError(
      `${file} must hold a mapping of AgentSpec fields (name, model, systemPrompt, …)`,
    );
  }
  return parsed as Record<string, unknown>;
}

/** Renders a tree of paths as the `tree` command would, for the summary. */
function tree(paths: string[]): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const path of [...paths].sort()) {
    const parts = path.split('/');
    for (let depth = 0; depth < parts.length; depth++) {
      const key = parts.slice(0, depth + 1).join('/');
      if (seen.has(key)) continue;
      seen.add(key);
      lines.push(`${'  '.repeat(depth)}${parts[depth]}${depth < parts.length - 1 ? '/' : ''}`);
    }
  }
  return lines;
}

export function generateCommand(io: Output): Command {
  return new Command('generate')
    .description('Generate a complete agent project from an AgentSpec (YAML or JSON)')
    .requiredOption('--spec <file>', 'the AgentSpec file')
    .requiredOption('--out <dir>', 'output directory, or - for a zip on stdout')
    .addOption(languageOption())
    .addOption(
      new Option('--target <target>', 'deployment target, overriding the spec').choices(
        DeploymentTarget.options,
      ),
    )
    .option('--force', 'write into a non-empty directory')
    .option('--json', 'print a JSON summary')
    .action(async (opts) => {
      const spec = readSpec(opts.spec);
      if (opts.language) spec.language = opts.language;
      if (opts.target) spec.deployment = { ...(spec.deployment as object | undefined), target: opts.target };
      // The generator (its compiled templates are most of the CLI's code) loads only for this command.
      const [{ generateAgentProject }, { zipProject }] = await Promise.all([
        import('../../lambdas/generate/generate.ts'),
        import('../../lambdas/generate/zip.ts'),
      ]);
      const project = await generateAgentProject(spec, {
        models: loadModelRegistry(),
        tools: loadToolRegistry(),
      });
      if (opts.out === '-') {
        io.binary(zipProject(project.metadata.name, project.files));
        for (const w of project.metadata.warnings) io.err(`warning: ${w.path}: ${w.message}`);
        return;
      }
      const out = resolve(opts.out);
      if (existsSync(out) && readdirSync(out).length > 0 && !opts.force) {
        throw new ValidationError(
          `${opts.out} is not empty; choose an empty directory or add --force to write into it`,
        );
      }
      for (const [path, content] of Object.entries(project.files)) {
        const file = join(out, path);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
        if (path.endsWith('.sh')) chmodSync(file, 0o755);
      }
      if (opts.json) return io.out(json({ out, ...project.metadata }));
      io.out(
        `Generated ${project.metadata.language} project "${project.metadata.name}" in ${opts.out} (${project.metadata.files.length} files):`,
      );
      for (const line of tree(project.metadata.files)) io.out(`  ${line}`);
      for (const w of project.metadata.warnings) io.out(`! ${w.path}: ${w.message}`);
      io.out('');
      io.out('Next steps:');
      io.out(`  cd ${opts.out}`);
      if (project.metadata.language === 'typescript')
        io.out('  npm install && npm run build && npm test && npm start');
      else
        io.out(
          '  python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements-dev.txt && pytest && python -m app.main',
        );
    });
}

export function specSchemaCommand(io: Output): Command {
  return new Command('spec-schema')
    .description('Print the AgentSpec as JSON Schema')
    .action(() => io.out(json(agentSpecJsonSchema())));
}
