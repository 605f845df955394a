import { Command, CommanderError } from 'commander';
import { costCommand } from './cost.ts';
import { evalCommand } from './eval.ts';
import { flagsCommand } from './flags.ts';
import { describeError, type Output } from './format.ts';
import { generateCommand, specSchemaCommand } from './generate.ts';
import { modelSummary, modelsCommand } from './models.ts';
import { registryCommand } from './registry.ts';
import { startCommand } from './start.ts';
import { testCommand } from './test.ts';
import { toolSummary, toolsCommand } from './tools.ts';

/** Exit codes: 0 ok, 1 a check found problems, 2 bad input (unknown id, invalid option). */
export async function runCli(argv: readonly string[], io: Output): Promise<number> {
  let exitCode = 0;
  const program = new Command('agent-builder')
    .description('Agent Builder Platform: models, tools, generated Strands agents, costs')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .enablePositionalOptions()
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  program.addCommand(modelsCommand(io));
  program.addCommand(generateCommand(io));
  program.addCommand(specSchemaCommand(io));
  program.addCommand(costCommand(io));
  program.addCommand(registryCommand(io));
  program.addCommand(startCommand(io));
  program.addCommand(flagsCommand(io));
  program.addCommand(
    evalCommand(io, (code) => {
      exitCode = Math.max(exitCode, code);
    }),
  );
  program.addCommand(
    testCommand(io, (code) => {
      exitCode = Math.max(exitCode, code);
    }),
  );
  program.addCommand(
    toolsCommand(io, (code) => {
      exitCode = Math.max(exitCode, code);
    }),
  );
  program
    .command('overview', { isDefault: true })
    .description('What the platform holds and what to try first')
    .action(() => {
      io.out('Agent Builder Platform');
      for (const line of [...modelSummary(), ...toolSummary()]) io.out(`  ${line}`);
      io.out('');
      io.out('Try:');
      io.out(
        '  npm run cli -- models recommend --use-case "customer support agent that searches our docs" --budget 50',
      );
      io.out('  npm run cli -- models compare amazon.nova-pro-v1:0 anthropic.claude-haiku-4-5-20251001-v1:0');
      io.out('  npm run cli -- tools --platform lambda --language typescript');
      io.out(
        '  npm run cli -- tools resolve http_request knowledge_base_retrieve --language python --platform agentcore',
      );
      io.out('  npm run cli -- generate --spec examples/support-triage.yaml --out ./support-triage');
      io.out('  npm run cli -- cost --spec examples/support-triage.yaml');
      io.out('  npm run cli -- --help');
    });
  for (const command of program.commands) {
    command
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
    for (const sub of command.commands) {
      sub
        .exitOverride()
        .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
    }
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version requests are not failures; commander already printed the message.
      return error.exitCode === 0 ? 0 : 2;
    }
    io.err(describeError(error));
    return 2;
  }
}
