import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { ValidationError } from '../../lambdas/core/errors.ts';
import {
  applyImport,
  describePlan,
  planImport,
  planIsClean,
  type RegistryFile,
} from '../../lambdas/models/import-litellm.ts';
import { json, type Output } from './format.ts';

const MODELS_FILE = fileURLToPath(new URL('../../registry-data/models.json', import.meta.url));

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ValidationError(`cannot read ${what} "${path}"`, [{ path, message: 'no such file' }]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${what} "${path}" is not JSON`, [
      { path, message: error instanceof Error ? error.message : 'not JSON' },
    ]);
  }
}

/** `registry import`: keeps registry-data/models.json current from litellm's price map, reviewed. */
export function registryCommand(io: Output): Command {
  const registry = new Command('registry').description('Keep the registries current');
  registry
    .command('import')
    .description(
      "Compare litellm's model_prices_and_context_window.json with the model registry: new models, price, context and capability changes, retirements. --write applies it, never overwriting a vendor-sourced value",
    )
    .requiredOption('--litellm <file>', "litellm's model_prices_and_context_window.json")
    .option('--registry <file>', 'the models registry file', MODELS_FILE)
    .option('--write', 'apply the changes to the registry file')
    .option('--today <date>', 'the date the facts are read (YYYY-MM-DD), today by default')
    .option('--json', 'print the plan as JSON')
    .action((opts) => {
      const today: string = opts.today ?? new Date().toISOString().slice(0, 10);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(today))
        throw new ValidationError('--today must be a date as YYYY-MM-DD', [
          { path: '--today', message: today },
        ]);
      const file = readJson(opts.registry, 'registry file') as RegistryFile;
      const plan = planImport(file, readJson(opts.litellm, 'litellm file'), today);
      if (opts.json) io.out(json(plan));
      else for (const line of describePlan(plan)) io.out(line);
      if (opts.write) {
        const next = applyImport(file, plan, today);
        writeFileSync(opts.registry, `${JSON.stringify(next, null, 2)}\n`);
        if (!opts.json) io.out(`Wrote ${opts.registry}: ${next.models.length} models.`);
      } else if (!opts.json) {
        io.out(planIsClean(plan) ? 'Nothing to apply.' : 'Review the above; --write applies it.');
      }
    });
  return registry;
}
