import { resolve } from 'node:path';
import { Command } from 'commander';
import { FileFlagSource } from '../../lambdas/core/adapters/file-flags.ts';
import { DEFAULT_FLAGS, OpenFeatureFeatures } from '../../lambdas/core/flags/features.ts';
import { json, type Output, table } from './format.ts';

/** `flags`: the feature flags of the local platform, their rollout and what one user gets. */
export function flagsCommand(io: Output): Command {
  return new Command('flags')
    .description(
      'List the feature flags of the local platform: registry-data/flags.json overridden by the flags file, and whether a user has each',
    )
    .option(
      '--file <path>',
      'the operator’s flags file (npm start reads <data dir>/flags.json)',
      '.data/flags.json',
    )
    .option('--user <sub>', 'the user to evaluate for (the targeting key)', 'local-developer')
    .option('--json', 'print JSON')
    .action(async (opts: { file: string; user: string; json?: boolean }) => {
      const source = new FileFlagSource(DEFAULT_FLAGS.values, resolve(opts.file));
      // Read first, so a bad file is reported rather than answered by the defaults.
      const values = await source.load();
      const states = await new OpenFeatureFeatures(source, `cli ${source.description}`).list({
        sub: opts.user,
      });
      const flags = states.map((state) => ({ ...state, rollout: values[state.key] }));
      if (opts.json) return io.out(json({ source: source.description, user: opts.user, flags }));
      io.out(
        table(
          ['flag', 'name', 'rollout', `for ${opts.user}`],
          flags.map((f) => [
            f.key,
            f.name,
            [
              f.rollout?.enabled ? `enabled, ${f.rollout.percentage ?? 100}%` : 'disabled',
              ...(f.rollout?.allow?.length ? [`allow: ${f.rollout.allow.join(', ')}`] : []),
              ...(f.rollout?.deny?.length ? [`deny: ${f.rollout.deny.join(', ')}`] : []),
            ].join('\n'),
            `${f.enabled ? 'on' : 'off'} (${f.reason})`,
          ]),
        ),
      );
      io.out(
        `Source: ${source.description}. Edit that file; the running platform picks it up on the next request.`,
      );
    });
}
