import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { EventStreamCodec } from '@smithy/core/event-streams';

/**
 * The offline model: a deterministic stand-in for Amazon Bedrock that speaks the Converse and
 * ConverseStream APIs (`POST /model/{modelId}/converse[-stream]`), the latter with real
 * `application/vnd.amazon.eventstream` framing, so a generated agent's unmodified `BedrockModel`
 * talks to it when `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` points here. It never calls out and never
 * pretends to be a real model: every answer says it comes from the offline model.
 *
 * Behaviour, for a given conversation:
 * - the user names one of the agent's tools (e.g. "use calculator on "2 + 3"") → it calls that tool
 *   once, with arguments built from the tool's JSON schema and the prompt (a quoted part of the
 *   prompt fills string arguments, the first number fills numeric ones);
 * - the last message holds tool results → it reports them in text;
 * - otherwise → a short text answer echoing the request, streamed in several deltas.
 * Directives for testing the harness: `[[offline:loop]]` in the first user message makes it call a
 * tool on every turn, forever (a runaway agent); `[[offline:slow]]` waits 250 ms between deltas.
 */
export const OFFLINE_MODEL_LABEL = 'offline model';

interface ContentBlock {
  text?: string;
  toolUse?: { toolUseId: string; name: string; input: unknown };
  toolResult?: { toolUseId: string; content?: unknown[]; status?: string };
}
interface Message {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}
interface ToolSpec {
  name: string;
  description?: string;
  inputSchema?: { json?: JsonSchema };
}
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  default?: unknown;
}
interface ConverseRequest {
  messages?: Message[];
  system?: { text?: string }[];
  toolConfig?: { tools?: { toolSpec?: ToolSpec }[] };
}

/** What the model answers: text, or one tool call. */
export type OfflineTurn =
  | { kind: 'text'; text: string }
  | { kind: 'tool'; toolUseId: string; name: string; input: Record<string, unknown> };

const textOf = (message: Message | undefined) => (message?.content ?? []).map((b) => b.text ?? '').join('');

const normalise = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');

/** The deterministic policy; exported so tests can state what the agent will see. */
export function offlineTurn(request: ConverseRequest, modelId: string): OfflineTurn {
  const messages = request.messages ?? [];
  const tools = (request.toolConfig?.tools ?? []).flatMap((t) => (t.toolSpec ? [t.toolSpec] : []));
  const firstUser = textOf(messages.find((m) => m.role === 'user'));
  const last = messages.at(-1);
  const loop = firstUser.includes('[[offline:loop]]');
  const turn = messages.filter((m) => m.role === 'assistant').length + 1;
  const toolUseId = `tooluse_offline_${turn}`;

  const results = (last?.content ?? []).flatMap((b) => (b.toolResult ? [b.toolResult] : []));
  if (loop && tools.length > 0) {
    const tool = tools[(turn - 1) % tools.length] as ToolSpec;
    return { kind: 'tool', toolUseId, name: tool.name, input: argumentsFor(tool, firstUser) };
  }
  if (results.length > 0) {
    const names = new Map<string, string>();
    for (const m of messages)
      for (const b of m.content) if (b.toolUse) names.set(b.toolUse.toolUseId, b.toolUse.name);
    const lines = results.map((r) => {
      const body = JSON.stringify(r.content ?? []);
      const shown = body.length > 300 ? `${body.slice(0, 300)}…` : body;
      return `The ${names.get(r.toolUseId) ?? 'tool'} tool returned (${r.status ?? 'success'}): ${shown}`;
    });
    return { kind: 'text', text: `${lines.join('\n')}\n(Answered by the ${OFFLINE_MODEL_LABEL}.)` };
  }
  const prompt = textOf(last);
  const wanted = normalise(prompt);
  const tool = tools.find((t) => wanted.includes(normalise(t.name)));
  if (tool && last?.role === 'user') {
    return { kind: 'tool', toolUseId, name: tool.name, input: argumentsFor(tool, prompt) };
  }
  const echoed = prompt.length > 200 ? `${prompt.slice(0, 200)}…` : prompt;
  const toolNote =
    tools.length > 0
      ? ` Name one of my tools (${tools.map((t) => t.name).join(', ')}) to see a tool call.`
      : '';
  return {
    kind: 'text',
    text: `This is the ${OFFLINE_MODEL_LABEL}, standing in for ${modelId}. You asked: "${echoed}".${toolNote} Connect Amazon Bedrock for real answers.`,
  };
}

/** Arguments that satisfy a tool's JSON schema, taken from the prompt where it can. */
export function argumentsFor(tool: ToolSpec, prompt: string): Record<string, unknown> {
  const schema = tool.inputSchema?.json ?? {};
  const quoted = /["“`']([^"”`']+)["”`']/.exec(prompt)?.[1];
  const number = /-?\d+(\.\d+)?/.exec(prompt)?.[0];
  const value = (property: JsonSchema): unknown => {
    if (property.default !== undefined) return property.default;
    if (property.enum && property.enum.length > 0) return property.enum[0];
    const type = Array.isArray(property.type) ? property.type[0] : property.type;
    switch (type) {
      case 'number':
      case 'integer':
        return Math.max(Number(number ?? 1), property.minimum ?? -Infinity);
      case 'boolean':
        return false;
      case 'array':
        return [];
      case 'object':
        return {};
      default:
        return quoted ?? prompt.replace(/\[\[offline:\w+\]\]/g, '').trim();
    }
  };
  const input: Record<string, unknown> = {};
  for (const name of schema.required ?? []) input[name] = value(schema.properties?.[name] ?? {});
  return input;
}

const estimateTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

/** Splits text into word-sized deltas, whitespace kept, so streaming is visible. */
export function chunks(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [text];
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

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One port for both protocols, as the AWS SDK may speak either: the Bedrock Runtime client uses
 * HTTP/2 (cleartext here, prior knowledge), other clients HTTP/1.1. The first bytes of a connection
 * tell which.
 */
export function createOfflineModelServer(): Server {
  const onRequest = (req: Req, res: Res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) awsError(res, 500, 'InternalServerException', String(error));
      else res.end();
    });
  };
  const http1 = createHttp1Server(onRequest);
  const http2 = createHttp2Server(onRequest);
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', (first: Buffer) => {
      const target = first.subarray(0, 3).toString('latin1') === 'PRI' ? http2 : http1;
      target.emit('connection', replaying(socket, first));
    });
  });
  server.once('close', () => {
    for (const socket of sockets) socket.destroy();
  });
  return server;
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

async function handle(req: Req, res: Res): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(url.pathname);
  if (req.method === 'GET' && url.pathname === '/ping') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'Healthy', model: OFFLINE_MODEL_LABEL }));
    return;
  }
  if (!match || req.method !== 'POST') {
    awsError(
      res,
      404,
      'UnknownOperationException',
      `the ${OFFLINE_MODEL_LABEL} serves Converse and ConverseStream only`,
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
  const started = Date.now();
  const turn = offlineTurn(request, modelId);
  const inputTokens = estimateTokens(JSON.stringify([request.system ?? [], request.messages]));
  const outputText = turn.kind === 'text' ? turn.text : JSON.stringify(turn.input);
  const usage = {
    inputTokens,
    outputTokens: estimateTokens(outputText),
    totalTokens: inputTokens + estimateTokens(outputText),
  };
  const stopReason = turn.kind === 'tool' ? 'tool_use' : 'end_turn';

  if (match[2] === 'converse') {
    const content =
      turn.kind === 'text'
        ? [{ text: turn.text }]
        : [{ toolUse: { toolUseId: turn.toolUseId, name: turn.name, input: turn.input } }];
    const body = JSON.stringify({
      output: { message: { role: 'assistant', content } },
      stopReason,
      usage,
      metrics: { latencyMs: Date.now() - started },
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }

  const slow = textOf(request.messages.find((m) => m.role === 'user')).includes('[[offline:slow]]');
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
  let gone = false;
  res.once('close', () => {
    gone = true;
  });
  const send = async (type: string, payload: unknown) => {
    if (gone) return;
    res.write(eventMessage(type, payload));
    if (slow) await sleep(250);
  };
  await send('messageStart', { role: 'assistant' });
  if (turn.kind === 'text') {
    for (const text of chunks(turn.text))
      await send('contentBlockDelta', { contentBlockIndex: 0, delta: { text } });
    await send('contentBlockStop', { contentBlockIndex: 0 });
  } else {
    await send('contentBlockStart', {
      contentBlockIndex: 0,
      start: { toolUse: { toolUseId: turn.toolUseId, name: turn.name } },
    });
    await send('contentBlockDelta', {
      contentBlockIndex: 0,
      delta: { toolUse: { input: JSON.stringify(turn.input) } },
    });
    await send('contentBlockStop', { contentBlockIndex: 0 });
  }
  await send('messageStop', { stopReason });
  await send('metadata', { usage, metrics: { latencyMs: Date.now() - started } });
  res.end();
}

/** Starts the offline model on a free loopback port (or `port`); its URL is the Bedrock endpoint. */
export async function startOfflineModel(port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server = createOfflineModelServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.emit('close');
      }),
  };
}
