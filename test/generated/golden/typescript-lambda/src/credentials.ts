import type { AgentConfig } from './config.js';

/**
 * The keys the tools send to their APIs, read when a tool is called. A key comes from its environment
 * variable (or the Secrets Manager secret `<NAME>_SECRET_ID` names, resolved at start).
 */
export class MissingCredential extends Error {}

type KeyName = { [K in keyof AgentConfig]-?: AgentConfig[K] extends string | undefined ? K : never }[keyof AgentConfig];

/** The value of the key `name` (e.g. `'TAVILY_API_KEY'`) for the current request. */
export async function credential(config: AgentConfig, name: KeyName): Promise<string> {
  const value = config[name];
  if (typeof value === 'string' && value.length > 0) return value;
  throw new MissingCredential(`${name} is not set`);
}
