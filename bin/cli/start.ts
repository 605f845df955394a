import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { startPlatform } from '../../lambdas/local/platform.ts';
import type { Output } from './format.ts';

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
      const dataDir = resolve(opts.data);
      const platform = await startPlatform({
        port: opts.port ?? Number(process.env.PORT ?? 3000),
        dataDir,
        staticDir: resolve('frontend/dist'),
      });
      io.out(`Agent Builder Platform is running at ${platform.url}`);
      io.out(`  API: ${platform.url}/api (OpenAPI: ${platform.url}/api/openapi.json)`);
      io.out(`  Data: ${dataDir} (DynamoDB on ${platform.dynamodbEndpoint}, S3 on ${platform.s3Endpoint})`);
      io.out('  Signed in as the local developer. Press Ctrl+C to stop.');
      await new Promise<void>((done) => {
        const stop = (signal: string) => {
          io.out(`\n${signal}: stopping…`);
          platform.close().then(done, done);
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
