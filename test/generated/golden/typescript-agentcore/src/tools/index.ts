import { McpClient, type Tool } from '@strands-agents/sdk';
import type { AgentConfig } from '../config.js';
import { createCalculatorTool } from './calculator.js';
import { createHttpRequestTool } from './http-request.js';
import { createKnowledgeBaseRetrieveTool } from './knowledge-base-retrieve.js';
import { createTavilySearchTool } from './tavily-search.js';

/** A tool, or an MCP client whose server's tools the agent lists when it first runs. */
export type AgentTool = Tool | McpClient;

/** One entry per tool in the spec, in the spec's order: the registry id and how to build it. */
export const TOOL_FACTORIES: readonly { id: string; create: (config: AgentConfig) => AgentTool }[] = [
  { id: "calculator", create: createCalculatorTool },
  { id: "http_request", create: createHttpRequestTool },
  { id: "knowledge_base_retrieve", create: createKnowledgeBaseRetrieveTool },
  { id: "tavily_search", create: createTavilySearchTool },
];

/**
 * The agent's tools, built from the configuration. Build them once per process and share them
 * between sessions: an MCP client connects (starting its server) when an agent first uses it, and
 * stays connected until {@link closeTools}.
 */
export function createTools(config: AgentConfig): AgentTool[] {
  return TOOL_FACTORIES.map((entry) => entry.create(config));
}

/** Disconnects every MCP client (stopping the servers they started); call it on shutdown. */
export async function closeTools(tools: readonly AgentTool[]): Promise<void> {
  await Promise.allSettled(tools.map((tool) => (tool instanceof McpClient ? tool.disconnect() : Promise.resolve())));
}
