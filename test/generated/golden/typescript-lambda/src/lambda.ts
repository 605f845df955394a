import { createAgent } from './agent.js';
import { type AgentConfig, loadConfig } from './config.js';
import { InvocationRequest, requestUsage } from './server.js';
import { type AgentTool, createTools } from './tools/index.js';

/**
 * The AWS Lambda entry point (function URL or direct invoke): `{"prompt": "..."}` in the body, the
 * answer as JSON out. Lambda keeps no conversation between invocations; send the context you need.
 */
interface FunctionUrlEvent {
  body?: string | null;
  isBase64Encoded?: boolean;
}

interface FunctionUrlResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

let config: Promise<AgentConfig> | undefined;
/** Built on the cold start and kept by the execution environment (MCP servers included). */
let tools: AgentTool[] | undefined;

const reply = (statusCode: number, body: unknown): FunctionUrlResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

const failure = (statusCode: number, code: string, message: string) => reply(statusCode, { error: { code, message } });

export async function handler(event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  config ??= loadConfig();
  const settings = await config;
  let payload: unknown;
  try {
    const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
    payload = JSON.parse(raw === '' ? 'null' : raw) as unknown;
  } catch {
    return failure(400, 'invalid_json', 'the request body is not valid JSON');
  }
  const parsed = InvocationRequest.safeParse(payload);
  if (!parsed.success) return failure(400, 'invalid_request', 'prompt: a non-empty string is required');
  if (parsed.data.prompt.length > settings.MAX_INPUT_CHARS) {
    return failure(413, 'prompt_too_long', `prompt is ${parsed.data.prompt.length} characters; the limit is ${settings.MAX_INPUT_CHARS}`);
  }
  try {
    tools ??= createTools(settings);
    const result = await createAgent(settings, { tools }).invoke(parsed.data.prompt);
    return reply(200, { response: result.toString(), stopReason: result.stopReason, usage: requestUsage(result) });
  } catch (error) {
    // Internals go to the log, never to the caller.
    console.error(JSON.stringify({ level: 'ERROR', message: 'invocation failed', error: error instanceof Error ? error.message : String(error) }));
    return failure(500, 'internal_error', 'The agent failed to answer; see its logs.');
  }
}
