import { z } from 'zod';

/**
 * The platform's runtime configuration: the one place that reads `process.env`. Lambdas get these
 * from CDK; the local platform sets them for its emulators.
 */
export const PlatformConfig = z.object({
  AWS_REGION: z.string().default('us-east-1'),
  TABLE_NAME: z.string().min(1).default('agent-builder'),
  ARTIFACTS_BUCKET: z.string().min(1).default('agent-builder-artifacts'),
  /** Express state machine of the generation workflow; unset locally, where the same ASL runs in-process. */
  GENERATION_STATE_MACHINE_ARN: z.string().optional(),
  /** Emulator endpoints (local platform and tests). */
  DYNAMODB_ENDPOINT: z.url().optional(),
  S3_ENDPOINT: z.url().optional(),
  /**
   * `jwt-authorizer`: API Gateway has verified a Cognito JWT (AWS); `dev`: one local developer;
   * `jwt`: the local platform verifies HS256 tokens signed with JWT_SECRET (tests of ownership).
   */
  AUTH_MODE: z.enum(['jwt-authorizer', 'dev', 'jwt']).default('jwt-authorizer'),
  JWT_SECRET: z.string().min(16).optional(),
  GENERATE_LIMIT_PER_HOUR: z.coerce.number().int().positive().default(30),

  /** Where test runs run: `local` child processes (npm start), or `ecs` Fargate tasks (AWS). */
  TEST_BACKEND: z.enum(['local', 'ecs']).default('local'),
  TEST_LIMIT_PER_HOUR: z.coerce.number().int().positive().default(120),
  /** How long build and run requests wait for the runner before answering 202. */
  TEST_WAIT_MS: z.coerce.number().int().min(0).default(25_000),
  /** Installed dependencies and finished builds kept between runs (local runner). */
  RUNNER_CACHE_DIR: z.string().min(1).default('.cache/runner'),
  /** Share installed dependencies between runners through the artifact store (Fargate tasks start empty). */
  RUNNER_REMOTE_CACHE: z.enum(['true', 'false']).default('false'),
  RUNNER_CLUSTER_ARN: z.string().optional(),
  RUNNER_TASK_DEFINITION_ARN: z.string().optional(),
  RUNNER_CONTAINER_NAME: z.string().default('runner'),
  RUNNER_SUBNETS: z.string().optional(),
  RUNNER_SECURITY_GROUPS: z.string().optional(),
  /** The WebSocket API's @connections endpoint (https://{api}.execute-api.{region}.amazonaws.com/{stage}), or the local gateway. */
  WEBSOCKET_ENDPOINT: z.url().optional(),
  /** Cognito issuer and app client that WebSocket tokens are checked against (AWS). */
  COGNITO_ISSUER: z.url().optional(),
  COGNITO_CLIENT_ID: z.string().optional(),

  /** The model behind test runs (DESIGN.md): auto = Bedrock with credentials, else a configured endpoint, else offline. */
  TEST_MODEL: z.enum(['auto', 'offline', 'bedrock', 'openai-compatible']).default('auto'),
  /** Set by whoever starts the runner when it holds real AWS credentials (the task role, a profile). */
  HAS_AWS_CREDENTIALS: z.enum(['true', 'false']).default('false'),
  OPENAI_COMPATIBLE_BASE_URL: z.url().optional(),
  OPENAI_COMPATIBLE_MODEL: z.string().min(1).optional(),
  OPENAI_COMPATIBLE_API_KEY: z.string().optional(),
});
export type PlatformConfig = z.infer<typeof PlatformConfig>;

let config: PlatformConfig | undefined;

export function platformConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  if (env !== process.env) return PlatformConfig.parse(env);
  config ??= PlatformConfig.parse(env);
  return config;
}

/** Forgets the cached configuration (the local platform sets env before the first request). */
export function resetPlatformConfig(): void {
  config = undefined;
}
