import { tool } from '@strands-agents/sdk';
import { tavily } from '@tavily/core';
import { z } from 'zod';
import type { AgentConfig } from '../config.js';
import { credential } from '../credentials.js';
import { TOOL_SETTINGS } from './settings.js';

/** Tavily web search: Search the web with Tavily's search API built for AI agents. */
export function createTavilySearchTool(config: AgentConfig) {
  const settings = TOOL_SETTINGS.tavilySearch;
  return tool({
    name: 'tavily_search',
    description: 'Search the web for current information; returns titles, URLs and content snippets.',
    inputSchema: z.object({ query: z.string().min(1).max(400).describe('what to search the web for') }),
    callback: async ({ query }) => {
      const client = tavily({ apiKey: await credential(config, 'TAVILY_API_KEY') });
      const r = await client.search(query, { maxResults: settings.maxResults, searchDepth: settings.searchDepth as 'basic' | 'advanced' });
      return { results: r.results.map((x) => ({ title: x.title, url: x.url, content: x.content })) };
    },
  });
}
