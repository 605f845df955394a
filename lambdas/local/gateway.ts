import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { WebSocket, WebSocketServer } from 'ws';
import { routeKey, routeMatcher } from '../core/contract.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { problem } from '../core/http.ts';
import { type Feature, routeList, STREAM_PATH } from '../routes.ts';
import type { WebSocketEvent } from '../testing/handler.ts';

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

/**
 * The local API gateway: serves every route of the route table by turning the HTTP request into an
 * API Gateway v2 event and calling the same handler a Lambda would run; literal path segments win
 * over parameters, as in API Gateway. Also serves the built web app when there is one.
 */
export function createGateway(
  handlers: Record<Feature, LambdaHandler>,
  options: { staticDir?: string; wsHandler?: WebSocketLambda } = {},
): Server {
  const sockets = new Map<string, WebSocket>();
  const match = routeMatcher(routeList);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const requestId = randomUUID();
    if (url.pathname.startsWith('/@connections/')) return connectionsApi(req, res, url, sockets);
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
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const contentType = req.headers['content-type'] ?? '';
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
    handle(req, res).catch((error: unknown) => send(res, problem(error, req.url ?? '', randomUUID())));
  });
  if (options.wsHandler) attachWebSockets(server, options.wsHandler, sockets);
  return server;
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
function attachWebSockets(server: Server, handler: WebSocketLambda, sockets: Map<string, WebSocket>): void {
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
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== STREAM_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
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

/** The @connections management API (POST a message, GET, DELETE), as API Gateway serves it. */
async function connectionsApi(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  sockets: Map<string, WebSocket>,
): Promise<void> {
  const id = decodeURIComponent(url.pathname.slice('/@connections/'.length));
  const ws = sockets.get(id);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
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
