import { FunctionTool } from '@strands-agents/sdk';
import { httpRequest } from '@strands-agents/sdk/vended-tools/http-request';
import type { AgentConfig } from '../config.js';
import { TOOL_SETTINGS } from './settings.js';

/** The most redirects followed for one request. */
const MAX_REDIRECTS = 5;

/**
 * HTTP request: Call HTTP APIs (GET, POST, ...) and read the responses. The Strands SDK's vended tool; when `allowedDomains` is set, the request
 * is made here instead, so that the list holds for every hop: redirects are followed one by one and a
 * redirect to a host outside the list is refused, never followed.
 */
export function createHttpRequestTool(_config: AgentConfig) {
  const allowed: readonly string[] = TOOL_SETTINGS.httpRequest.allowedDomains ?? [];
  if (allowed.length === 0) return httpRequest;
  const isAllowed = (host: string) => allowed.some((domain) => host === domain || host.endsWith(`.${domain}`));
  return new FunctionTool({
    name: httpRequest.name,
    description: `${httpRequest.description} Only these hosts may be called: ${allowed.join(', ')}.`,
    inputSchema: httpRequest.toolSpec.inputSchema,
    callback: async (raw, context): Promise<Record<string, string | number | Record<string, string>>> => {
      const input = raw as { method?: string; url?: unknown; headers?: Record<string, string>; body?: string; timeout?: number };
      const method = input.method ?? 'GET';
      let url: URL;
      try {
        url = new URL(String(input.url));
      } catch {
        return { error: `not a valid URL: ${String(input.url)}` };
      }
      const timeout = AbortSignal.timeout((input.timeout ?? 30) * 1000);
      const signal = context ? AbortSignal.any([timeout, context.cancelSignal]) : timeout;
      let init: RequestInit = {
        method,
        redirect: 'manual',
        signal,
        ...(input.headers ? { headers: input.headers } : {}),
        ...(input.body !== undefined ? { body: input.body } : {}),
      };
      for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
        if (!['http:', 'https:'].includes(url.protocol)) return { error: `only http and https URLs may be called, not ${url.protocol}` };
        if (!isAllowed(url.hostname)) {
          return {
            error: `host ${url.hostname} is not allowed${hop > 0 ? ' (a redirect led there)' : ''}; allowed hosts: ${allowed.join(', ')}`,
          };
        }
        const response = await fetch(url, init);
        const location = response.headers.get('location');
        if (response.status >= 300 && response.status < 400 && location) {
          await response.body?.cancel();
          url = new URL(location, url);
          // As browsers do: a 303, or a 301/302 after a POST, continues as a GET without a body.
          if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST'))
            init = { ...init, method: 'GET', body: undefined };
          continue;
        }
        const body = await response.text();
        const headers: Record<string, string> = {};
        response.headers.forEach((value, key) => {
          headers[key] = value;
        });
        if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}: ${method} ${url.href}`);
        return { status: response.status, statusText: response.statusText, headers, body };
      }
      return { error: `more than ${MAX_REDIRECTS} redirects: ${String(input.url)}` };
    },
  });
}
