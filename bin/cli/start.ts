import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { Output } from './format.ts';
import { prewarmDependencyCache } from './prewarm.ts';

export function startCommand(io: Output): Command {
  return new Command('start')
    .description(
      'Run the whole platform locally: API, emulated DynamoDB and S3, generation workflow, web app',
    )
    .option('--port <port>', 'HTTP port (default: $PORT or 3000)', (value: string) => {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new InvalidArgumentError('expected a port number');
      return port;
    })
    .option('--data <dir>', 'where DynamoDB and S3 data persist', '.data')
    .action(async (opts) => {
      ensureWebApp(io);
      // Loaded here, not at the top: the emulators, every handler and the AWS SDK clients are most of
      // the CLI's code, and the other commands (and the in-process CLI tests) do not need them.
      const [{ startPlatform }, { chooseBackend }] = await Promise.all([
        import('../../lambdas/local/platform.ts'),
        import('../../runner/backends.ts'),
      ]);
      const dataDir = resolve(opts.data);
      const platform = await startPlatform({
        port: opts.port ?? Number(process.env.PORT ?? 3000),
        dataDir,
        staticDir: resolve('frontend/dist'),
      });
      io.out(`Agent Builder Platform is running at ${platform.url}`);
      io.out(
        platform.host === '127.0.0.1'
          ? '  Listening on 127.0.0.1 only: other machines cannot reach it.'
          : `  Listening on ${platform.host}: reachable from the network, with no sign-in in dev mode.`,
      );
      io.out(`  Web app: ${platform.url}/`);
      io.out(
        `  Test runs answer with: ${chooseBackend(platform.config).info.label} (see README, "Test-run an agent")`,
      );
      io.out(
        `  API: ${platform.url}/api (reference: ${platform.url}/api/docs, OpenAPI: ${platform.url}/api/openapi.json)`,
      );
      io.out(`  Data: ${dataDir} (DynamoDB on ${platform.dynamodbEndpoint}, S3 on ${platform.s3Endpoint})`);
      io.out('  Signed in as the local developer. Press Ctrl+C to stop.');
      // The first build of a session should not be the one that installs: fill the cache meanwhile.
      const prewarm = new AbortController();
      void prewarmDependencyCache(platform.config.RUNNER_CACHE_DIR, io.out, prewarm.signal);
      await new Promise<void>((done) => {
        const stop = (signal: string) => {
          prewarm.abort();
          io.out(`\n${signal}: stopping…`);
          platform.close().then(done, done);
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}

/** Newest modification time under a directory (the web app's sources). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Builds the web app when it has never been built or its sources changed since (one `npm start` does it all). */
export function ensureWebApp(io: Output): void {
  const built = resolve('frontend/dist/index.html');
  const sources = Math.max(newest(resolve('frontend/src')), statSync(resolve('frontend/index.html')).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  io.out('Building the web app (vite build)…');
  const result = spawnSync('npm', ['run', 'build', '-w', 'frontend', '--silent'], { stdio: 'inherit' });
  if (result.status !== 0) io.out('The web app did not build; the API still runs. See the messages above.');
}
