import { z } from 'zod';
import { resolveSecrets } from './secrets.js';

/**
 * Runtime configuration, read once from environment variables and validated. Secrets are never in
 * files: each is read from its environment variable, or from AWS Secrets Manager when
 * `<NAME>_SECRET_ID` names the secret (the deployed agent's case).
 */
const Env = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  AWS_REGION: z.string().min(1).default("us-east-1"),
  MODEL_ID: z.string().min(1).default("us.anthropic.claude-haiku-4-5-20251001-v1:0"),
  MAX_TOKENS: z.coerce.number().int().positive().default(4096),
  /** Largest prompt accepted by POST /invocations, in characters. */
  MAX_INPUT_CHARS: z.coerce.number().int().positive().default(100000),
  /** Conversations kept in memory (one per runtime session id); the oldest is dropped first. */
  MAX_SESSIONS: z.coerce.number().int().positive().default(100),
  /** Keep conversations in this S3 bucket (first set wins); every task and a restarted one carry a session on. */
  SESSION_BUCKET: z.string().min(3).optional(),
  /** Keep conversations in this directory instead (one machine, or a shared volume). */
  SESSION_DIR: z.string().min(1).optional(),
  KNOWLEDGE_BASE_ID: z.string().optional(),
  TAVILY_API_KEY: z.string().min(1, "set TAVILY_API_KEY: Tavily API key (from Secrets Manager when deployed)."),
});

export type AgentConfig = z.infer<typeof Env>;

/** Environment variables holding secrets; each may instead name a Secrets Manager secret. */
export const SECRET_NAMES = ["TAVILY_API_KEY"] as const;

/** Reads and validates the configuration; the error lists every missing or invalid variable. */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<AgentConfig> {
  const resolved = await resolveSecrets(env, SECRET_NAMES);
  const parsed = Env.safeParse(resolved);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}
