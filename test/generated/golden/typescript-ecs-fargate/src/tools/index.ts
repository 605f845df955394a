import type { McpClient, Tool } from '@strands-agents/sdk';
import type { AgentConfig } from '../config.js';
import { createCalculatorTool } from './calculator.js';
import { createHttpRequestTool } from './http-request.js';
import { createKnowledgeBaseRetrieveTool } from './knowledge-base-retrieve.js';
import { createTavilySearchTool } from './tavily-search.js';

/** One entry per tool in the spec, in the spec's order: the registry id and how to build it. */
export const TOOL_FACTORIES: readonly { id: string; create: (config: AgentConfig) => Tool | McpClient }[] = [
  { id: "calculator", create: createCalculatorTool },
  { id: "http_request", create: createHttpRequestTool },
  { id: "knowledge_base_retrieve", create: createKnowledgeBaseRetrieveTool },
  { id: "tavily_search", create: createTavilySearchTool },
];

/** The agent's tools, built from the configuration. */
export function createTools(config: AgentConfig): (Tool | McpClient)[] {
  return TOOL_FACTORIES.map((entry) => entry.create(config));
}
