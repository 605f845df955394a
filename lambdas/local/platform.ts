import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { resetPlatformConfig } from '../core/config.ts';
import type { Feature } from '../routes.ts';
import { startEmulators } from './emulators.ts';
import { createGateway, type LambdaHandler, type WebSocketLambda } from './gateway.ts';

export interface PlatformOptions {
  port?: number;
  /** Where DynamoDB and S3 data persist; undefined keeps everything in memory (tests). */
  dataDir?: string;
  staticDir?: string;
  auth?: { mode: 'dev' } | { mode: 'jwt'; secret: string };
  generateLimitPerHour?: number;
  /** The model behind test runs; default: DESIGN.md's choice (Bedrock with credentials, else configured endpoint, else offline). */
  testModel?: 'auto' | 'offline' | 'bedrock' | 'openai-compatible';
  /** Where the local runner keeps installed dependencies and builds. @default .cache/runner */
  runnerCacheDir?: string;
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
  // Decided before the emulators' placeholder keys are set: does this machine hold real AWS credentials?
  const hasAwsCredentials =
    Boolean(process.env.AWS_ACCESS_KEY_ID && process.env.AWS_ACCESS_KEY_ID !== 'S3RVER') ||
    Boolean(process.env.AWS_PROFILE) ||
    existsSync(join(homedir(), '.aws', 'credentials'));
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
    TEST_BACKEND: 'local',
    // Locally a build or run request waits for its runner to finish.
    TEST_WAIT_MS: String(30 * 60_000),
    TEST_MODEL: options.testModel ?? process.env.TEST_MODEL ?? 'auto',
    HAS_AWS_CREDENTIALS: String(hasAwsCredentials),
    ...(options.runnerCacheDir ? { RUNNER_CACHE_DIR: options.runnerCacheDir } : {}),
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
    testing: (await import('../testing/handler.ts')).handler as LambdaHandler,
  };
  const { wsHandler } = await import('../testing/handler.ts');
  const server = createGateway(handlers, {
    staticDir: options.staticDir,
    wsHandler: wsHandler as WebSocketLambda,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  // The runner and the WebSocket handler post events through the gateway's @connections endpoint.
  process.env.WEBSOCKET_ENDPOINT = `http://127.0.0.1:${port}`;
  resetPlatformConfig();
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
