import { FunctionTool } from '@strands-agents/sdk';
import { httpRequest } from '@strands-agents/sdk/vended-tools/http-request';
import type { AgentConfig } from '../config.js';
import { TOOL_SETTINGS } from './settings.js';

/**
 * HTTP request: Call HTTP APIs (GET, POST, ...) and read the responses. The Strands SDK's vended tool, wrapped so that only the hosts in
 * `allowedDomains` can be called when that list is set.
 */
export function createHttpRequestTool(_config: AgentConfig) {
  const allowed: readonly string[] = TOOL_SETTINGS.httpRequest.allowedDomains ?? [];
  if (allowed.length === 0) return httpRequest;
  return new FunctionTool({
    name: httpRequest.name,
    description: `${httpRequest.description} Only these hosts may be called: ${allowed.join(', ')}.`,
    inputSchema: httpRequest.toolSpec.inputSchema,
    callback: async (input, context) => {
      const url = (input as { url?: unknown }).url;
      let host = '';
      try {
        host = new URL(String(url)).hostname;
      } catch {
        return { error: `not a valid URL: ${String(url)}` };
      }
      if (!allowed.some((domain) => host === domain || host.endsWith(`.${domain}`))) {
        return { error: `host ${host} is not allowed; allowed hosts: ${allowed.join(', ')}` };
      }
      return httpRequest.invoke(input as Parameters<typeof httpRequest.invoke>[0], context);
    },
  });
}
