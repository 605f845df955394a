import { Agent, type Model, type SnapshotStorage } from '@strands-agents/sdk';
import type { AgentConfig } from './config.js';
import { createModel } from './model.js';
import { AGENT_DESCRIPTION, AGENT_NAME, SYSTEM_PROMPT } from './prompt.js';
import { sessionManagerFor } from './sessions.js';
import { type AgentTool, createTools } from './tools/index.js';

export interface CreateAgentOptions {
  /** Overrides the configured model (tests pass a scripted model here). */
  model?: Model;
  /** The tools, built once by the caller and shared by its agents (default: built anew). */
  tools?: AgentTool[];
  /** The runtime session id whose conversation the agent carries on (with `sessions`). */
  sessionId?: string;
  /** Where conversations are kept beyond this process (createSessionStorage); none keeps them in memory. */
  sessions?: SnapshotStorage;
}

/** A new agent with the spec's model, system prompt and tools; one per conversation. */
export function createAgent(config: AgentConfig, options: CreateAgentOptions = {}): Agent {
  return new Agent({
    name: AGENT_NAME,
    description: AGENT_DESCRIPTION,
    model: options.model ?? createModel(config),
    systemPrompt: SYSTEM_PROMPT,
    tools: options.tools ?? createTools(config),
    printer: false,
    ...(options.sessions && options.sessionId ? { sessionManager: sessionManagerFor(options.sessions, options.sessionId) } : {}),
  });
}
