import { runCli } from './cli/program.ts';

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  binary: (data) => process.stdout.write(data),
});
process.exitCode = code;
