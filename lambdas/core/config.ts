import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
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
  /**
   * "Deploy to this account" (AWS only): the deployment workflow's state machine, the CodeBuild
   * project that builds agent images, the role CloudFormation creates agent stacks with, and the
   * VPC and subnets (comma-separated) ECS Fargate agents go into. Unset locally: not offered.
   */
  DEPLOY_STATE_MACHINE_ARN: z.string().optional(),
  DEPLOY_BUILD_PROJECT: z.string().optional(),
  DEPLOY_STACK_ROLE_ARN: z.string().optional(),
  DEPLOY_VPC_ID: z.string().optional(),
  DEPLOY_SUBNET_IDS: z.string().optional(),
  /** Emulator endpoints (local platform and tests). */
  DYNAMODB_ENDPOINT: z.url().optional(),
  S3_ENDPOINT: z.url().optional(),
  /** The data endpoints and the @connections endpoint are the embedded emulators: sign with placeholder keys. */
  LOCAL_EMULATORS: z.enum(['true', 'false']).default('false'),
  /** Powertools' own setting, read here too so the local platform can quieten its logs when it is unset. */
  POWERTOOLS_LOG_LEVEL: z.string().optional(),
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
  /** Builds and runs one builder may have going at once, and the platform in total. */
  TEST_MAX_CONCURRENT_PER_USER: z.coerce.number().int().positive().default(3),
  TEST_MAX_CONCURRENT_TOTAL: z.coerce.number().int().positive().default(50),
  /** The most a builder may ask of a run: agent wall time, build wall time, memory (operator caps). */
  TEST_MAX_RUN_MS: z.coerce.number().int().min(1_000).max(900_000).default(300_000),
  TEST_MAX_BUILD_MS: z.coerce.number().int().min(5_000).max(1_800_000).default(900_000),
  TEST_MAX_MEMORY_MB: z.coerce.number().int().min(128).max(8_192).default(2_048),
  /** The longest a build or run request may wait (`?wait=`) for the runner before answering 202. */
  TEST_WAIT_MS: z.coerce.number().int().min(0).max(25_000).default(25_000),
  /** Installed dependencies and finished builds kept between runs (local runner). */
  RUNNER_CACHE_DIR: z.string().min(1).default('.cache/runner'),
  /** Share installed dependencies between runners through the artifact store (Fargate tasks start empty). */
  RUNNER_REMOTE_CACHE: z.enum(['true', 'false']).default('false'),
  RUNNER_CLUSTER_ARN: z.string().optional(),
  RUNNER_TASK_DEFINITION_ARN: z.string().optional(),
  RUNNER_CONTAINER_NAME: z.string().default('runner'),
  RUNNER_SUBNETS: z.string().optional(),
  RUNNER_SECURITY_GROUPS: z.string().optional(),
  /**
   * The role each runner task's credentials come from, scoped per run by a session policy (AWS); the
   * table, bucket and WebSocket stage that policy names.
   */
  RUNNER_RUN_ROLE_ARN: z.string().optional(),
  RUNNER_TABLE_ARN: z.string().optional(),
  RUNNER_BUCKET_ARN: z.string().optional(),
  RUNNER_CONNECTIONS_ARN: z.string().optional(),
  /** The WebSocket API's @connections endpoint (https://{api}.execute-api.{region}.amazonaws.com/{stage}), or the local gateway. */
  WEBSOCKET_ENDPOINT: z.url().optional(),
  /**
   * The secret the local gateway's @connections endpoint checks signatures with (SigV4, as API Gateway
   * does): made afresh by each local platform and given to its runners only.
   */
  LOCAL_CONNECTIONS_SECRET: z.string().min(32).optional(),
  /** Origins (comma-separated) whose pages may call the local platform besides its own, e.g. a dev server. */
  SITE_ORIGINS: z.string().optional(),
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

  /**
   * Who answers the builder's messages: auto = a model when one is available (the OpenAI-compatible
   * endpoint when configured, else Bedrock with credentials), else the rule-based consultant.
   */
  CONSULTANT: z.enum(['auto', 'deterministic', 'bedrock', 'openai-compatible']).default('auto'),
  /** The Bedrock model (or inference profile) the consultant calls. */
  CONSULTANT_BEDROCK_MODEL: z.string().min(1).default('us.anthropic.claude-haiku-4-5-20251001-v1:0'),
  /** How long a model-backed reply may take before the rule-based consultant answers instead. */
  CONSULTANT_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(120_000).default(20_000),

  /**
   * The feature flags: an AppConfig feature-flag profile when all three are set (AWS), else the
   * bundled defaults overridden by FLAGS_FILE (local; checked for changes on every read).
   */
  APPCONFIG_APPLICATION: z.string().min(1).optional(),
  APPCONFIG_ENVIRONMENT: z.string().min(1).optional(),
  APPCONFIG_FLAGS_PROFILE: z.string().min(1).optional(),
  FLAGS_FILE: z.string().min(1).default('.data/flags.json'),
  /** Request and rollout metrics: `emf` (CloudWatch embedded metric format on stdout, AWS) or `off`. */
  METRICS: z.enum(['emf', 'off']).default('off'),
});
export type PlatformConfig = z.infer<typeof PlatformConfig>;

let config: PlatformConfig | undefined;

export function platformConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  if (env !== process.env) return PlatformConfig.parse(env);
  config ??= PlatformConfig.parse(env);
  return config;
}

/**
 * The keys the embedded emulators accept (s3rver's default account; dynalite and the local
 * @connections endpoint check none): never real credentials, so nothing real can leak through them.
 */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** The key id the local platform's own callers sign @connections requests with. */
export const LOCAL_CONNECTIONS_KEY_ID = 'LOCALCONNECTIONS';

/** The AWS SDK settings of this process that a child (the local runner) needs to reach AWS as it does. */
const AWS_CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
] as const;

/** This process's AWS credential settings, to hand to a child process that calls AWS (Bedrock). */
export function awsCredentialEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    AWS_CREDENTIAL_VARIABLES.flatMap((name) => (env[name] ? [[name, env[name] as string]] : [])),
  );
}

/**
 * What a child process needs from this one to start and to reach the package registries as this
 * machine does: the search path, home, temp dir and locale, the CA bundle and proxy settings (a
 * TLS-inspecting proxy makes every install fail without them) and npm's and pip's own settings.
 */
const PROCESS_BASICS =
  /^(PATH|HOME|TMPDIR|LANG|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE|HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy|npm_config_\w+|NPM_CONFIG_\w+|PIP_\w+)$/;

export function processBasics(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (e): e is [string, string] => PROCESS_BASICS.test(e[0]) && typeof e[1] === 'string',
    ),
  );
}

/** Whether this machine holds AWS credentials (an access key, a profile or a credentials file). */
export function hasAwsCredentials(env: NodeJS.ProcessEnv = process.env, home = homedir()): boolean {
  return (
    Boolean(env.AWS_ACCESS_KEY_ID && env.AWS_ACCESS_KEY_ID !== EMULATOR_CREDENTIALS.accessKeyId) ||
    Boolean(env.AWS_PROFILE) ||
    existsSync(join(home, '.aws', 'credentials'))
  );
}

/**
 * The configuration as environment variables, for a child process that reads its configuration the
 * way a Lambda or a Fargate task does (the runner program). Secrets the child does not need stay out.
 */
export function configEnv(
  config: PlatformConfig,
  omit: readonly (keyof PlatformConfig)[] = ['JWT_SECRET'],
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).flatMap(([key, value]) =>
      value === undefined || omit.includes(key as keyof PlatformConfig) ? [] : [[key, String(value)]],
    ),
  );
}
