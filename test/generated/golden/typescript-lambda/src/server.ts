import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Agent, AgentResult } from '@strands-agents/sdk';
import { z } from 'zod';
import type { Logger } from './logger.js';

/**
 * The Amazon Bedrock AgentCore Runtime service contract, on port 8080:
 * - `GET /ping` → `{"status":"Healthy"|"HealthyBusy","time_of_last_update":<epoch seconds>}`
 * - `POST /invocations` with `{"prompt": "..."}` → JSON, or Server-Sent Events when the request
 *   accepts `text/event-stream`. The conversation is kept per
 *   `X-Amzn-Bedrock-AgentCore-Runtime-Session-Id` (33+ characters).
 * The same server runs on ECS Fargate behind a load balancer and locally.
 */
export const SESSION_HEADER = 'x-amzn-bedrock-agentcore-runtime-session-id';
const MAX_BODY_BYTES = 1_048_576;

export const InvocationRequest = z.object({
  prompt: z.string().trim().min(1, 'prompt must not be empty'),
});

export interface ServerOptions {
  /** A new agent for a session (the server keeps it for the session's next requests). */
  createAgent: (sessionId: string) => Agent;
  logger: Logger;
  maxInputChars: number;
  maxSessions: number;
  /**
   * With a session store the store holds the conversation: each request gets a new agent restored
   * from it, so turns another process answered (behind a load balancer) are never missed.
   */
  restoreEachRequest?: boolean;
}

/** A streamed event, as sent over SSE (one JSON object per `data:` line). */
export type InvocationEvent =
  | { type: 'text'; text: string }
  | { type: 'tool_call'; name: string; toolUseId: string; input: unknown }
  | { type: 'tool_result'; toolUseId: string; status: string }
  | { type: 'done'; sessionId: string; stopReason: string; usage: Usage }
  | { type: 'error'; message: string };

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function createServer(options: ServerOptions): Server {
  const sessions = new Map<string, Agent>();
  let busy = 0;
  let lastStatusChange = Math.floor(Date.now() / 1000);
  const setBusy = (delta: number) => {
    const wasBusy = busy > 0;
    busy += delta;
    if (wasBusy !== busy > 0) lastStatusChange = Math.floor(Date.now() / 1000);
  };

  const answering = new Set<string>();

  const agentFor = (sessionId: string): Agent => {
    const existing = sessions.get(sessionId);
    if (existing) {
      sessions.delete(sessionId);
      sessions.set(sessionId, existing);
      return existing;
    }
    const agent = options.createAgent(sessionId);
    // Tools that keep per-user data (memory) read whose it is from here, never from the model.
    agent.appState.set('sessionId', sessionId);
    if (options.restoreEachRequest) return agent;
    sessions.set(sessionId, agent);
    while (sessions.size > options.maxSessions) {
      const oldest = sessions.keys().next().value;
      if (oldest === undefined) break;
      sessions.delete(oldest);
    }
    return agent;
  };

  const invoke = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readJson(req);
    const parsed = InvocationRequest.safeParse(body);
    if (!parsed.success) {
      throw new HttpError(400, 'invalid_request', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    }
    const { prompt } = parsed.data;
    if (prompt.length > options.maxInputChars) {
      throw new HttpError(413, 'prompt_too_long', `prompt is ${prompt.length} characters; the limit is ${options.maxInputChars}`);
    }
    const headerId = req.headers[SESSION_HEADER];
    const sessionId = typeof headerId === 'string' && headerId.length > 0 ? headerId : `session-${randomUUID()}`;
    if (sessionId.length < 33 || sessionId.length > 256) {
      throw new HttpError(400, 'invalid_session_id', 'the runtime session id must be 33 to 256 characters');
    }
    if (answering.has(sessionId)) throw new HttpError(409, 'session_busy', 'this session is already answering a request');
    const agent = agentFor(sessionId);
    const streaming = (req.headers.accept ?? '').includes('text/event-stream');
    answering.add(sessionId);
    setBusy(1);
    try {
      if (streaming) await streamAnswer(agent, prompt, sessionId, res, options.logger);
      else await answer(agent, prompt, sessionId, res);
    } finally {
      setBusy(-1);
      answering.delete(sessionId);
    }
  };

  return createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method} ${url.pathname}`;
    const handle = async () => {
      if (route === 'GET /ping') {
        return sendJson(res, 200, { status: busy > 0 ? 'HealthyBusy' : 'Healthy', time_of_last_update: lastStatusChange });
      }
      if (route === 'POST /invocations') return invoke(req, res);
      if (url.pathname === '/ping' || url.pathname === '/invocations') throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${url.pathname}`);
      throw new HttpError(404, 'not_found', `no route for ${route}`);
    };
    handle().catch((error: unknown) => {
      if (error instanceof HttpError) {
        if (!res.headersSent) sendJson(res, error.status, { error: { code: error.code, message: error.message } });
        return;
      }
      // Internals go to the log, never to the caller.
      options.logger.error('invocation failed', { error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal_error', message: 'The agent failed to answer; see its logs.' } });
      else if (!res.writableEnded) {
        res.write(sse({ type: 'error', message: 'The agent failed to answer; see its logs.' }));
        res.end();
      }
    });
  });
}

/** The tokens of this request alone (the agent's accumulated usage spans the whole session). */
export function requestUsage(result: AgentResult): Usage {
  const usage = result.metrics?.latestAgentInvocation?.usage;
  return { inputTokens: usage?.inputTokens ?? 0, outputTokens: usage?.outputTokens ?? 0 };
}

async function answer(agent: Agent, prompt: string, sessionId: string, res: ServerResponse): Promise<void> {
  const result = await agent.invoke(prompt);
  sendJson(res, 200, { response: result.toString(), sessionId, stopReason: result.stopReason, usage: requestUsage(result) });
}

async function streamAnswer(agent: Agent, prompt: string, sessionId: string, res: ServerResponse, logger: Logger): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const stream = agent.stream(prompt);
  let next = await stream.next();
  while (!next.done) {
    const event = next.value;
    if (event.type === 'modelStreamUpdateEvent' && event.event.type === 'modelContentBlockDeltaEvent' && event.event.delta.type === 'textDelta') {
      res.write(sse({ type: 'text', text: event.event.delta.text }));
    } else if (event.type === 'beforeToolCallEvent') {
      logger.info('tool call', { tool: event.toolUse.name });
      res.write(sse({ type: 'tool_call', name: event.toolUse.name, toolUseId: event.toolUse.toolUseId, input: event.toolUse.input }));
    } else if (event.type === 'toolResultEvent') {
      res.write(sse({ type: 'tool_result', toolUseId: event.result.toolUseId, status: event.result.status }));
    }
    next = await stream.next();
  }
  res.write(sse({ type: 'done', sessionId, stopReason: next.value.stopReason, usage: requestUsage(next.value) }));
  res.end();
}

function sse(event: InvocationEvent): string {
  return `data: ${JSON.stringify(event)}\n\n`;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!(req.headers['content-type'] ?? 'application/json').includes('json')) {
    throw new HttpError(415, 'unsupported_media_type', 'send the request body as application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'body_too_large', `the request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'invalid_json', 'the request body is not valid JSON');
  }
}
