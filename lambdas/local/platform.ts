import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { stopLocalRunners } from '../core/adapters/local-runner.ts';
import { hasAwsCredentials, PlatformConfig, platformConfig } from '../core/config.ts';
import { logger } from '../core/http.ts';
import { createHandler as createCost } from '../cost/handler.ts';
import { createHandler as createDeployments } from '../deployments/handler.ts';
import { createHandler as createGenerate } from '../generate/handler.ts';
import { createHandler as createHealth } from '../health/handler.ts';
import { createHandler as createModels } from '../models/handler.ts';
import { createHandler as createRollout } from '../rollout/handler.ts';
import type { Feature } from '../routes.ts';
import { createHandler as createSessions } from '../sessions/handler.ts';
import { createHandler as createTesting, createWsHandler } from '../testing/handler.ts';
import { createHandler as createTools } from '../tools/handler.ts';
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
  /**
   * The address the gateway listens on. Anything but loopback exposes the platform (dev-mode auth
   * included) to the network. @default 127.0.0.1
   */
  host?: string;
  /** The operator's flag overrides. @default `<dataDir>/flags.json`, else FLAGS_FILE */
  flagsFile?: string;
}

export interface RunningPlatform {
  url: string;
  /** The address the gateway listens on (127.0.0.1 unless told otherwise). */
  host: string;
  /** The configuration every handler of this platform was given. */
  config: PlatformConfig;
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
  // The operator's own settings (an OpenAI-compatible endpoint, TEST_MODEL, …) come from the
  // environment through config.ts; the embedded platform's wiring is set here, in one object that
  // every handler is given. Nothing is written to process.env.
  const operator = platformConfig();
  let config: PlatformConfig = PlatformConfig.parse({
    ...operator,
    AWS_REGION: 'us-east-1',
    TABLE_NAME: TABLE,
    ARTIFACTS_BUCKET: BUCKET,
    DYNAMODB_ENDPOINT: emulators.dynamodbEndpoint,
    S3_ENDPOINT: emulators.s3Endpoint,
    LOCAL_EMULATORS: 'true',
    GENERATION_STATE_MACHINE_ARN: undefined,
    AUTH_MODE: options.auth?.mode ?? 'dev',
    JWT_SECRET: options.auth?.mode === 'jwt' ? options.auth.secret : undefined,
    ...(options.generateLimitPerHour ? { GENERATE_LIMIT_PER_HOUR: options.generateLimitPerHour } : {}),
    TEST_BACKEND: 'local',
    TEST_MODEL: options.testModel ?? operator.TEST_MODEL,
    HAS_AWS_CREDENTIALS: String(hasAwsCredentials()),
    ...(options.runnerCacheDir ? { RUNNER_CACHE_DIR: options.runnerCacheDir } : {}),
    // Made afresh by each platform: its @connections endpoint answers calls signed with it only.
    LOCAL_CONNECTIONS_SECRET: randomBytes(32).toString('hex'),
    FLAGS_FILE:
      options.flagsFile ?? (options.dataDir ? join(options.dataDir, 'flags.json') : operator.FLAGS_FILE),
  });
  if (!config.POWERTOOLS_LOG_LEVEL) logger.setLogLevel('WARN');
  // Handlers read the configuration when they first build their dependencies: after listen, below,
  // when the gateway's own @connections endpoint is known.
  const current = () => config;
  const handlers: Record<Feature, LambdaHandler> = {
    health: createHealth(current) as LambdaHandler,
    models: createModels(current) as LambdaHandler,
    tools: createTools(current) as LambdaHandler,
    cost: createCost(current) as LambdaHandler,
    sessions: createSessions(current) as LambdaHandler,
    generate: createGenerate(current) as LambdaHandler,
    testing: createTesting(current) as LambdaHandler,
    rollout: createRollout(current) as LambdaHandler,
    // No deployment workflow here: the API says the platform must run in AWS to deploy.
    deployments: createDeployments(current) as LambdaHandler,
  };
  const server = createGateway(handlers, {
    staticDir: options.staticDir,
    wsHandler: createWsHandler(current) as WebSocketLambda,
    ...(config.LOCAL_CONNECTIONS_SECRET ? { connectionsSecret: config.LOCAL_CONNECTIONS_SECRET } : {}),
    siteOrigins: (config.SITE_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  // The runner and the WebSocket handler post events through the gateway's @connections endpoint.
  config = { ...config, WEBSOCKET_ENDPOINT: `http://127.0.0.1:${port}` };
  return {
    url: `http://localhost:${port}`,
    host,
    config,
    dynamodbEndpoint: emulators.dynamodbEndpoint,
    s3Endpoint: emulators.s3Endpoint,
    async close() {
      // Runners (warm agents included) stop first, while they can still record how they ended.
      await stopLocalRunners();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await emulators.close();
    },
  };
}
