import type { AddressInfo } from 'node:net';
import { resetPlatformConfig } from '../core/config.ts';
import type { Feature } from '../core/routes.ts';
import { startEmulators } from './emulators.ts';
import { createGateway, type LambdaHandler } from './gateway.ts';

export interface PlatformOptions {
  port?: number;
  /** Where DynamoDB and S3 data persist; undefined keeps everything in memory (tests). */
  dataDir?: string;
  staticDir?: string;
  auth?: { mode: 'dev' } | { mode: 'jwt'; secret: string };
  generateLimitPerHour?: number;
}

export interface RunningPlatform {
  url: string;
  dynamodbEndpoint: string;
  s3Endpoint: string;
  close(): Promise<void>;
}

const TABLE = 'agent-builder';
const BUCKET = 'agent-builder-artifacts';

/**
 * The embedded platform: dynalite and s3rver, and the local gateway on `port` serving every route
 * through the same handlers the Lambdas run. Generation runs the same ASL file in-process.
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<RunningPlatform> {
  const emulators = await startEmulators({
    dataDir: options.dataDir,
    table: TABLE,
    bucket: BUCKET,
    region: 'us-east-1',
  });
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'S3RVER',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'S3RVER',
    TABLE_NAME: TABLE,
    ARTIFACTS_BUCKET: BUCKET,
    DYNAMODB_ENDPOINT: emulators.dynamodbEndpoint,
    S3_ENDPOINT: emulators.s3Endpoint,
    AUTH_MODE: options.auth?.mode ?? 'dev',
    ...(options.auth?.mode === 'jwt' ? { JWT_SECRET: options.auth.secret } : {}),
    ...(options.generateLimitPerHour
      ? { GENERATE_LIMIT_PER_HOUR: String(options.generateLimitPerHour) }
      : {}),
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  });
  delete process.env.GENERATION_STATE_MACHINE_ARN;
  resetPlatformConfig();
  // Imported after the environment is set; handlers build their dependencies on first use.
  const handlers: Record<Feature, LambdaHandler> = {
    health: (await import('../health/handler.ts')).handler as LambdaHandler,
    models: (await import('../models/handler.ts')).handler as LambdaHandler,
    tools: (await import('../tools/handler.ts')).handler as LambdaHandler,
    cost: (await import('../cost/handler.ts')).handler as LambdaHandler,
    sessions: (await import('../sessions/handler.ts')).handler as LambdaHandler,
    generate: (await import('../generate/handler.ts')).handler as LambdaHandler,
  };
  const server = createGateway(handlers, { staticDir: options.staticDir });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}`,
    dynamodbEndpoint: emulators.dynamodbEndpoint,
    s3Endpoint: emulators.s3Endpoint,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await emulators.close();
    },
  };
}
