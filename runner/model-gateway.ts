import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { EventStreamCodec } from '@smithy/core/event-streams';
import type { ModelInfo } from './events.ts';

/**
 * The model gateway: the one model endpoint a test-run agent sees. It speaks the Amazon Bedrock
 * Converse and ConverseStream APIs (`POST /model/{modelId}/converse[-stream]`, the latter with real
 * `application/vnd.amazon.eventstream` framing), so a generated agent's unmodified `BedrockModel`
 * reaches it through `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` and never holds credentials of its own. Behind
 * it is one backend: the offline model, Amazon Bedrock (with the runner's credentials), or an
 * OpenAI-compatible endpoint such as Ollama. It counts the tokens of every call.
 */

export interface ContentBlock {
  text?: string;
  toolUse?: { toolUseId: string; name: string; input: unknown };
  toolResult?: { toolUseId: string; content?: unknown[]; status?: string };
}
export interface ConverseRequest {
  messages?: { role: 'user' | 'assistant'; content: ContentBlock[] }[];
  system?: { text?: string }[];
  toolConfig?: {
    tools?: { toolSpec?: { name?: string; description?: string; inputSchema?: { json?: unknown } } }[];
  };
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  [key: string]: unknown;
}

/** One ConverseStream event: its `:event-type` and JSON payload. */
export interface ConverseEvent {
  type: string;
  payload: Record<string, unknown>;
}

export interface ModelBackend {
  info: ModelInfo;
  stream(modelId: string, request: ConverseRequest, signal: AbortSignal): AsyncIterable<ConverseEvent>;
}

/** An error a backend reports as Bedrock would: HTTP status and exception name. */
export class ModelBackendError extends Error {
  constructor(
    readonly status: number,
    readonly exception: string,
    message: string,
  ) {
    super(message);
  }
}

const codec = new EventStreamCodec(
  (bytes) => new TextDecoder().decode(bytes),
  (text) => new TextEncoder().encode(text),
);

/** One event-stream message, as Bedrock frames ConverseStream events. */
export function eventMessage(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: new TextEncoder().encode(JSON.stringify(payload)),
  });
}

/** The Converse (non-streaming) response that a sequence of stream events amounts to. */
export function aggregate(events: ConverseEvent[]): Record<string, unknown> {
  const blocks = new Map<
    number,
    { text?: string; toolUse?: { toolUseId: string; name: string; input: string } }
  >();
  let stopReason = 'end_turn';
  let usage: unknown;
  let metrics: unknown;
  for (const { type, payload } of events) {
    const index = Number(payload.contentBlockIndex ?? 0);
    if (type === 'contentBlockStart') {
      const start = payload.start as { toolUse?: { toolUseId: string; name: string } } | undefined;
      if (start?.toolUse) blocks.set(index, { toolUse: { ...start.toolUse, input: '' } });
    } else if (type === 'contentBlockDelta') {
      const delta = payload.delta as { text?: string; toolUse?: { input?: string } };
      const block = blocks.get(index) ?? {};
      if (delta.text !== undefined) block.text = (block.text ?? '') + delta.text;
      if (delta.toolUse?.input !== undefined && block.toolUse) block.toolUse.input += delta.toolUse.input;
      blocks.set(index, block);
    } else if (type === 'messageStop') {
      stopReason = String(payload.stopReason ?? 'end_turn');
    } else if (type === 'metadata') {
      usage = payload.usage;
      metrics = payload.metrics;
    }
  }
  const content = [...blocks.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, block]) =>
      block.toolUse
        ? { toolUse: { ...block.toolUse, input: block.toolUse.input ? JSON.parse(block.toolUse.input) : {} } }
        : { text: block.text ?? '' },
    );
  return { output: { message: { role: 'assistant', content } }, stopReason, usage, metrics };
}

type Req = IncomingMessage | Http2ServerRequest;
/** What both protocols' responses offer, as one type. */
interface Res {
  headersSent: boolean;
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  write(chunk: Uint8Array): unknown;
  end(body?: string): unknown;
  once(event: 'close', listener: () => void): unknown;
}

function awsError(res: Res, status: number, type: string, message: string): void {
  const body = JSON.stringify({ message });
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

async function readBody(req: Req): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/**
 * The socket as a stream that first replays the bytes already read from it. Both HTTP servers may read
 * a net.Socket's handle directly, which would skip bytes put back with `unshift`, so they get a plain
 * Duplex instead.
 */
function replaying(socket: Socket, first: Buffer): Duplex {
  const duplex = new Duplex({
    read: () => {
      socket.resume();
    },
    write: (chunk, encoding, callback) => {
      socket.write(chunk, encoding, callback);
    },
    final: (callback) => {
      socket.end(callback);
    },
    destroy: (error, callback) => {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  duplex.push(first);
  socket.on('data', (data: Buffer) => {
    if (!duplex.push(data)) socket.pause();
  });
  socket.once('end', () => duplex.push(null));
  socket.once('close', () => duplex.destroy());
  socket.once('error', (error) => duplex.destroy(error));
  return duplex;
}

export interface ModelUsage {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** Each model call, in the order they started: the run's trace of model calls. */
  spans: ModelCallSpan[];
  /** The size of each tool result the agent sent back to the model (bytes of its JSON), by tool use id. */
  toolResultBytes: Map<string, number>;
}

/** One model call as the gateway saw it. */
export interface ModelCallSpan {
  modelId: string;
  /** Epoch ms. */
  startedAt: number;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  stopReason?: string;
  error?: string;
}

export interface RunningGateway {
  url: string;
  info: ModelInfo;
  usage: ModelUsage;
  close(): Promise<void>;
}

/**
 * Starts the gateway on a free loopback port, and on the Unix socket `socketPath` when one is given
 * (a sandboxed agent, which has no network, reaches it there). One port serves both protocols, as the
 * AWS SDK may speak either: the Bedrock Runtime client uses HTTP/2 (cleartext, prior knowledge),
 * others HTTP/1.1. The first bytes of a connection tell which.
 */
export async function startModelGateway(
  backend: ModelBackend,
  port = 0,
  socketPath?: string,
): Promise<RunningGateway> {
  const usage: ModelUsage = {
    calls: 0,
    inputTokens: 0,
    outputTokens: 0,
    spans: [],
    toolResultBytes: new Map(),
  };
  const onRequest = (req: Req, response: ServerResponse | Http2ServerResponse) => {
    const res = response as unknown as Res;
    handle(backend, usage, req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        if (error instanceof ModelBackendError) awsError(res, error.status, error.exception, error.message);
        else awsError(res, 500, 'InternalServerException', `${backend.info.label} failed: ${String(error)}`);
      } else res.end();
    });
  };
  const http1 = createHttp1Server(onRequest);
  const http2 = createHttp2Server(onRequest);
  const sockets = new Set<Socket>();
  const onConnection = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', (first: Buffer) => {
      const target = first.subarray(0, 3).toString('latin1') === 'PRI' ? http2 : http1;
      target.emit('connection', replaying(socket, first));
    });
  };
  const server = createNetServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const local = socketPath ? createNetServer(onConnection) : undefined;
  if (local && socketPath) {
    await new Promise<void>((resolve, reject) => {
      local.once('error', reject);
      local.listen(socketPath, resolve);
    });
  }
  const address = server.address() as AddressInfo;
  const closing = (s: typeof server) => new Promise<void>((resolve) => s.close(() => resolve()));
  return {
    url: `http://127.0.0.1:${address.port}`,
    info: backend.info,
    usage,
    close: async () => {
      const closed = Promise.all([closing(server), ...(local ? [closing(local)] : [])]);
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

async function handle(backend: ModelBackend, usage: ModelUsage, req: Req, res: Res): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/ping') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'Healthy', model: backend.info }));
    return;
  }
  const match = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(url.pathname);
  if (!match || req.method !== 'POST') {
    awsError(
      res,
      404,
      'UnknownOperationException',
      'the model gateway serves Converse and ConverseStream only',
    );
    return;
  }
  const modelId = decodeURIComponent(match[1] ?? '');
  let request: ConverseRequest;
  try {
    request = JSON.parse(await readBody(req)) as ConverseRequest;
  } catch {
    awsError(res, 400, 'ValidationException', 'the request body is not valid JSON');
    return;
  }
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    awsError(res, 400, 'ValidationException', 'messages must hold at least one message');
    return;
  }
  const abort = new AbortController();
  res.once('close', () => abort.abort());
  usage.calls += 1;
  for (const message of request.messages)
    for (const block of message.content ?? [])
      if (block.toolResult && !usage.toolResultBytes.has(block.toolResult.toolUseId))
        usage.toolResultBytes.set(
          block.toolResult.toolUseId,
          Buffer.byteLength(JSON.stringify(block.toolResult.content ?? [])),
        );
  const streamed = match[2] === 'converse-stream';
  const span: ModelCallSpan = {
    modelId,
    startedAt: Date.now(),
    latencyMs: 0,
    inputTokens: 0,
    outputTokens: 0,
  };
  usage.spans.push(span);
  const count = (event: ConverseEvent) => {
    if (event.type === 'messageStop') span.stopReason = String(event.payload.stopReason ?? '');
    if (event.type !== 'metadata') return;
    const u = event.payload.usage as { inputTokens?: number; outputTokens?: number } | undefined;
    usage.inputTokens += u?.inputTokens ?? 0;
    usage.outputTokens += u?.outputTokens ?? 0;
    span.inputTokens += u?.inputTokens ?? 0;
    span.outputTokens += u?.outputTokens ?? 0;
  };
  try {
    await answer();
  } catch (error) {
    span.error = error instanceof Error ? error.message : String(error);
    throw error;
  } finally {
    span.latencyMs = Date.now() - span.startedAt;
  }
  async function answer() {
    const events = backend.stream(modelId, request, abort.signal)[Symbol.asyncIterator]();
    if (!streamed) {
      const all: ConverseEvent[] = [];
      for (let next = await events.next(); !next.done; next = await events.next()) {
        count(next.value);
        all.push(next.value);
      }
      const body = JSON.stringify(aggregate(all));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    // The first event comes before the status line, so a backend error is still an HTTP error.
    let next = await events.next();
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
    while (!next.done && !abort.signal.aborted) {
      count(next.value);
      res.write(eventMessage(next.value.type, next.value.payload));
      next = await events.next();
    }
    res.end();
  }
}
