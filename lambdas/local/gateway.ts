import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { WebSocket, WebSocketServer } from 'ws';
import { routeKey, routeMatcher } from '../core/contract.ts';
import {
  type DomainError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../core/errors.ts';
import { MAX_BODY_BYTES, problem } from '../core/http.ts';
import { type Feature, routeList, STREAM_PATH } from '../routes.ts';
import type { WebSocketEvent } from '../testing/handler.ts';
import { verifySigV4 } from './sigv4.ts';

export type LambdaHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export interface GatewayOptions {
  staticDir?: string;
  wsHandler?: WebSocketLambda;
  /**
   * The secret that calls to the @connections endpoint are signed with (SigV4, as API Gateway
   * requires): the platform's and its runners', never an agent's. Without it the endpoint refuses all.
   */
  connectionsSecret?: string;
  /** Origins besides the platform's own (localhost and 127.0.0.1 on its port) whose requests are served. */
  siteOrigins?: readonly string[];
}

/** The longest URL served, in characters; and the longest value of one path parameter. */
const MAX_URL_LENGTH = 8_192;
const MAX_PARAM_LENGTH = 1_024;

/**
 * The local API gateway: serves every route of the route table by turning the HTTP request into an
 * API Gateway v2 event and calling the same handler a Lambda would run; literal path segments win
 * over parameters, as in API Gateway. Also serves the built web app when there is one.
 *
 * It is safe against other sites and DNS rebinding: a request whose Host or Origin is not the
 * platform's own is refused (403), state-changing requests must be JSON (415, so no form posts
 * another site could make), bodies are read with a byte cap (413 as soon as it passes), and
 * malformed URLs are refused (400): every refusal is problem+json.
 */
export function createGateway(
  handlers: Record<Feature, LambdaHandler>,
  options: GatewayOptions = {},
): Server {
  const sockets = new Map<string, WebSocket>();
  const match = routeMatcher(routeList);
  const siteOrigins = options.siteOrigins ?? [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = randomUUID();
    const method = (req.method ?? 'GET').toUpperCase();
    const refuse = (error: DomainError, instance = '') => send(res, problem(error, instance, requestId));
    const rawUrl = req.url ?? '/';
    if (rawUrl.length > MAX_URL_LENGTH)
      return refuse(new ValidationError(`the URL is longer than ${MAX_URL_LENGTH} characters; shorten it`));
    let url: URL;
    try {
      url = new URL(rawUrl, 'http://localhost');
      decodeURIComponent(url.pathname);
    } catch {
      return refuse(
        new ValidationError(
          'the URL is malformed (a bad percent-encoding?); encode it with encodeURIComponent',
        ),
      );
    }
    const foreign = foreignRequest(req, siteOrigins);
    if (foreign) return refuse(new ForbiddenError(foreign), url.pathname);
    if (url.pathname.startsWith('/@connections/'))
      return connectionsApi(req, res, url, sockets, options.connectionsSecret);
    if (!url.pathname.startsWith('/api/')) return serveStatic(url.pathname, res, options.staticDir);
    const { match: hit, methods } = match(method, url.pathname);
    if (!hit) {
      const error =
        methods.length > 0
          ? new ValidationError(`${method} is not allowed on ${url.pathname}; use ${methods.join(' or ')}`)
          : new NotFoundError(`no API route ${url.pathname}; see /api/openapi.json`);
      const result = problem(error, url.pathname, requestId);
      return send(res, { ...result, statusCode: methods.length > 0 ? 405 : 404 });
    }
    const long = Object.entries(hit.params).find(([, value]) => value.length > MAX_PARAM_LENGTH);
    if (long)
      return refuse(
        new ValidationError(`the path parameter ${long[0]} is longer than ${MAX_PARAM_LENGTH} characters`, [
          { path: `params.${long[0]}`, message: `at most ${MAX_PARAM_LENGTH} characters` },
        ]),
        url.pathname,
      );
    const contentType = req.headers['content-type'] ?? '';
    if (
      method !== 'GET' &&
      method !== 'HEAD' &&
      (contentType !== '' || hasBody(req)) &&
      !/^application\/json\s*(;|$)/i.test(contentType)
    )
      return refuse(
        new UnsupportedMediaTypeError(
          `send the body as application/json (content-type: application/json), not ${contentType || 'without a content type'}`,
        ),
        url.pathname,
      );
    const raw = await readCapped(req, MAX_BODY_BYTES);
    if (!raw) {
      res.setHeader('connection', 'close');
      const socket = req.socket;
      res.once('finish', () => socket?.destroy());
      return refuse(
        new PayloadTooLargeError(
          `the request body is larger than ${MAX_BODY_BYTES.toLocaleString('en')} bytes; send less`,
        ),
        url.pathname,
      );
    }
    const textual = raw.length === 0 || /json|text|xml|urlencoded/.test(contentType);
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [
        k.toLowerCase(),
        Array.isArray(v) ? v.join(',') : (v ?? ''),
      ]),
    );
    const query: Record<string, string> = {};
    for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
    const { route, params } = hit;
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: routeKey(route),
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
      ...(Object.keys(params).length > 0 ? { pathParameters: params } : {}),
      ...(raw.length > 0 ? { body: textual ? raw.toString('utf8') : raw.toString('base64') } : {}),
      isBase64Encoded: !textual,
      requestContext: {
        accountId: 'local',
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'localhost',
        http: {
          method,
          path: url.pathname,
          protocol: 'HTTP/1.1',
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey: routeKey(route),
        stage: '$default',
        time: new Date().toISOString(),
        timeEpoch: Date.now(),
      },
    };
    send(res, await handlers[route.feature](event, lambdaContext(route.feature, requestId)));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, problem(error, '', randomUUID()));
      else res.destroy();
    });
  });
  // Node's own parser refusals (headers too large, a bad method or request line) as problem+json.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || (error as { code?: string }).code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status =
      error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = JSON.stringify({
      type: status === 431 ? 'headers-too-large' : status === 408 ? 'request-timeout' : 'bad-request',
      title: status === 431 ? 'The request headers are too large' : 'The request is malformed',
      status,
      detail:
        status === 431
          ? 'send smaller headers (cookies, tokens): at most 16 KB in all'
          : 'the request is not valid HTTP/1.1; send a well-formed request',
    });
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  if (options.wsHandler) attachWebSockets(server, options.wsHandler, sockets, siteOrigins);
  return server;
}

/** Whether a request carries a body (a length above 0, or chunked). */
const hasBody = (req: IncomingMessage) =>
  Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;

/** The body, read up to `cap` bytes; undefined as soon as it passes the cap (the rest is never buffered). */
async function readCapped(req: IncomingMessage, cap: number): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > cap) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > cap) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Why a request is not the platform's own, or undefined when it is: its Host must be this server's
 * (localhost, 127.0.0.1 or [::1] on its port, or a configured site's), so a rebound DNS name is
 * refused; and an Origin, when sent, must be one of those too, so another site cannot call the API
 * with the user's browser.
 */
function foreignRequest(req: IncomingMessage, siteOrigins: readonly string[]): string | undefined {
  const port = req.socket.localPort ?? 0;
  const { hosts, origins } = allowedFor(port, siteOrigins);
  const host = (req.headers.host ?? '').toLowerCase();
  if (!hosts.has(host))
    return `the Host ${JSON.stringify(host)} is not this platform's; open it at http://localhost:${port}`;
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  if (!origins.has(origin.toLowerCase()))
    return `requests from ${JSON.stringify(origin)} are not served; use the platform's own web app at http://localhost:${port}`;
  return undefined;
}

/** The Hosts and Origins served on a port, worked out once per port and list of sites, not per request. */
const allowed = new WeakMap<readonly string[], Map<number, { hosts: Set<string>; origins: Set<string> }>>();

function allowedFor(port: number, siteOrigins: readonly string[]) {
  const byPort = allowed.get(siteOrigins) ?? new Map();
  allowed.set(siteOrigins, byPort);
  let found = byPort.get(port);
  if (!found) {
    const own = ['localhost', '127.0.0.1', '[::1]'].map((host) => `${host}:${port}`);
    const sites = siteOrigins.flatMap((origin) => {
      try {
        return [new URL(origin)];
      } catch {
        return [];
      }
    });
    found = {
      hosts: new Set([...own, ...sites.map((site) => site.host)]),
      origins: new Set([...own.map((h) => `http://${h}`), ...sites.map((site) => site.origin)]),
    };
    byPort.set(port, found);
  }
  return found;
}

/** A WebSocket route's Lambda, as API Gateway's WebSocket API calls it. */
export type WebSocketLambda = (
  event: WebSocketEvent,
  context: Context,
) => Promise<{ statusCode: number; body?: string }>;

/** The Lambda context a function of the platform gets, as the Lambda runtime would give it. */
function lambdaContext(name: string, requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `agent-builder-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:agent-builder-${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/agent-builder-${name}`,
    logStreamName: 'local',
    // Lambda's longest timeout, not API Gateway's 30 s cut: locally a build waits for its install
    // (a first install can take longer than 30 s), where in AWS it would answer 202 first.
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * The WebSocket API at ${STREAM_PATH}, as API Gateway runs it: \`$connect\` (refused unless the
 * handler answers 200), each message as \`$default\`, \`$disconnect\`; the handler and the runner
 * answer through the @connections endpoint below.
 */
function attachWebSockets(
  server: Server,
  handler: WebSocketLambda,
  sockets: Map<string, WebSocket>,
  siteOrigins: readonly string[],
): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1_048_576 });
  const call = (routeKey: string, connectionId: string, extra: Partial<WebSocketEvent> = {}) =>
    handler(
      {
        requestContext: {
          routeKey,
          connectionId,
          eventType:
            routeKey === '$connect' ? 'CONNECT' : routeKey === '$disconnect' ? 'DISCONNECT' : 'MESSAGE',
          requestId: randomUUID(),
        },
        ...extra,
      },
      lambdaContext('test-ws', connectionId),
    );
  server.on('upgrade', (req, socket, head) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    if (url.pathname !== STREAM_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    const foreign = foreignRequest(req, siteOrigins);
    if (foreign) {
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\n${foreign}`);
      return;
    }
    const connectionId = randomUUID().replaceAll('-', '').slice(0, 16);
    call('$connect', connectionId, { queryStringParameters: Object.fromEntries(url.searchParams) })
      .then((result) => {
        if (result.statusCode !== 200) {
          socket.end(
            `HTTP/1.1 ${result.statusCode} Unauthorized\r\ncontent-type: text/plain\r\n\r\n${result.body ?? ''}`,
          );
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          sockets.set(connectionId, ws);
          // As in API Gateway, a route's failure reaches no client; the handler logs it.
          ws.on('message', (data) => {
            call('$default', connectionId, { body: data.toString() }).catch(() => undefined);
          });
          ws.once('close', () => {
            sockets.delete(connectionId);
            call('$disconnect', connectionId).catch(() => undefined);
          });
        });
      })
      .catch(() => socket.end('HTTP/1.1 500 Internal Server Error\r\n\r\n'));
  });
  server.once('close', () => {
    for (const ws of sockets.values()) ws.terminate();
    wss.close();
  });
}

/**
 * The @connections management API (POST a message, GET, DELETE), as API Gateway serves it: only for
 * calls signed (SigV4) with the platform's per-process secret; anything else is refused with 403, as
 * API Gateway refuses an unsigned or wrongly signed call.
 */
async function connectionsApi(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  sockets: Map<string, WebSocket>,
  secret: string | undefined,
): Promise<void> {
  const awsError = (status: number, type: string, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
    res.end(JSON.stringify({ message }));
  };
  const body = await readCapped(req, 131_072); // API Gateway's largest WebSocket message: 128 KB
  if (!body) {
    res.setHeader('connection', 'close');
    const socket = req.socket;
    res.once('finish', () => socket?.destroy());
    return awsError(413, 'PayloadTooLargeException', 'a message is at most 128 KB');
  }
  if (!secret || !(await verifySigV4(req, body, secret)))
    return awsError(403, 'ForbiddenException', "the request is not signed with the platform's credentials");
  const id = decodeURIComponent(url.pathname.slice('/@connections/'.length));
  const ws = sockets.get(id);
  const chunks = [body];
  if (!ws || ws.readyState !== WebSocket.OPEN) {
    res.writeHead(410, { 'content-type': 'application/json', 'x-amzn-errortype': 'GoneException' });
    res.end(JSON.stringify({ message: 'GoneException' }));
    return;
  }
  if (req.method === 'POST') {
    await new Promise<void>((resolve) => ws.send(Buffer.concat(chunks).toString('utf8'), () => resolve()));
  } else if (req.method === 'DELETE') {
    ws.close(1000, 'closed by the server');
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(req.method === 'GET' ? JSON.stringify({ connectedAt: new Date().toISOString() }) : '');
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body =
    result.body === undefined
      ? ''
      : result.isBase64Encoded
        ? Buffer.from(result.body, 'base64')
        : result.body;
  res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  res.end(body);
}

function serveStatic(pathname: string, res: ServerResponse, dir?: string): void {
  if (!dir || !existsSync(join(dir, 'index.html'))) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(
      'The web app is not built yet (npm run build -w frontend). The API is under /api; see /api/openapi.json.',
    );
    return;
  }
  const file = normalize(join(dir, pathname));
  const target =
    file.startsWith(dir) && existsSync(file) && statSync(file).isFile() ? file : join(dir, 'index.html');
  res.writeHead(200, { 'content-type': MIME[extname(target)] ?? 'application/octet-stream' });
  res.end(readFileSync(target));
}
