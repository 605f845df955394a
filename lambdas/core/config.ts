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
