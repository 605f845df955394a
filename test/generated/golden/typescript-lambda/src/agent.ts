import { Agent, type Model } from '@strands-agents/sdk';
import type { AgentConfig } from './config.js';
import { createModel } from './model.js';
import { AGENT_DESCRIPTION, AGENT_NAME, SYSTEM_PROMPT } from './prompt.js';
import { type AgentTool, createTools } from './tools/index.js';

export interface CreateAgentOptions {
  /** Overrides the configured model (tests pass a scripted model here). */
  model?: Model;
  /** The tools, built once by the caller and shared by its agents (default: built anew). */
  tools?: AgentTool[];
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
  });
}
