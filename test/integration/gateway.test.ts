import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiGatewayConnectionPoster } from '../../lambdas/core/adapters/connections.ts';
import { type RunningPlatform, startPlatform } from '../../lambdas/local/platform.ts';

// The local gateway under hostile requests: other sites, rebound DNS names, huge and malformed
// requests, and forged @connections posts. Every refusal is a 4xx problem+json, never a 500.
let platform: RunningPlatform;
let port = 0;

beforeAll(async () => {
  platform = await startPlatform({ port: 0 });
  port = Number(new URL(platform.url).port);
}, 60_000);
afterAll(async () => platform?.close());

interface Raw {
  status: number;
  type: string;
  body: string;
}

/** One request with exactly these headers (fetch would set Host and Origin itself). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string | number>,
  body?: (req: ReturnType<typeof request>) => void,
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, setHost: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body: text }),
      );
    });
    req.on('error', reject);
    if (body) body(req);
    else req.end();
  });
}

const own = () => ({ host: `localhost:${port}` });
const problemType = (answer: Raw) => (JSON.parse(answer.body) as { type: string }).type;

describe('the local gateway', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(platform.host).toBe('127.0.0.1');
  });

  it('refuses a request whose Host is not its own (DNS rebinding) with 403 problem+json', async () => {
    const answer = await raw('GET', '/api/sessions', { host: `rebound.attacker.example:${port}` });
    expect(answer.status).toBe(403);
    expect(answer.type).toBe('application/problem+json');
    expect(problemType(answer)).toBe('forbidden');
    expect((await raw('GET', '/api/health', own())).status).toBe(200);
  });

  it("refuses another site's request, and the WebSocket upgrade from it", async () => {
    const answer = await raw(
      'POST',
      '/api/sessions',
      {
        ...own(),
        origin: 'https://attacker.example',
        'content-type': 'application/json',
        'content-length': 2,
      },
      (req) => req.end('{}'),
    );
    expect(answer.status).toBe(403);
    expect(problemType(answer)).toBe('forbidden');
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/testing/stream`, {
      headers: { origin: 'https://attacker.example' },
    });
    const refused = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => resolve(101));
    });
    expect(refused).toBe(403);
  });

  it('answers a state-changing request that is not JSON (a form post) with 415', async () => {
    const form = 'name=x';
    const answer = await raw(
      'POST',
      '/api/sessions',
      { ...own(), 'content-type': 'application/x-www-form-urlencoded', 'content-length': form.length },
      (req) => req.end(form),
    );
    expect(answer.status).toBe(415);
    expect(problemType(answer)).toBe('unsupported-media-type');
  });

  it('refuses a body over the cap with 413 before it has arrived, declared or chunked', async () => {
    const declared = await raw(
      'POST',
      '/api/sessions',
      { ...own(), 'content-type': 'application/json', 'content-length': 400 * 1024 * 1024 },
      (req) => {
        req.on('error', () => undefined);
        req.write(Buffer.alloc(64 * 1024, 32));
      },
    );
    expect(declared.status).toBe(413);
    expect(problemType(declared)).toBe('payload-too-large');
    const chunked = await raw(
      'POST',
      '/api/sessions',
      { ...own(), 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      (req) => {
        req.on('error', () => undefined);
        // 2 MiB in chunks, and never an end: the answer must come from the cap, not the end of the body.
        for (let i = 0; i < 32; i++) req.write(Buffer.alloc(64 * 1024, 32));
      },
    );
    expect(chunked.status).toBe(413);
  });

  it('counts the cap in bytes, not characters', async () => {
    // 400,000 three-byte characters: under a million characters, over a million bytes.
    const body = JSON.stringify({ name: '€'.repeat(400_000) });
    const answer = await raw(
      'POST',
      '/api/sessions',
      { ...own(), 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      (req) => req.end(body),
    );
    expect(answer.status).toBe(413);
  });

  it('answers malformed percent-encoding, over-long URLs and over-long ids with 400 problem+json', async () => {
    for (const path of [
      '/api/sessions/%E0%A4%A',
      '/api/sessions/%',
      `/api/sessions/${'a'.repeat(2_000)}`,
      `/api/models?q=${'a'.repeat(10_000)}`,
    ]) {
      const answer = await raw('GET', path, own());
      expect(answer.status, path.slice(0, 40)).toBe(400);
      expect(answer.type).toBe('application/problem+json');
    }
  });

  it("answers Node's own parser refusals with problem+json", async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          `GET /api/health HTTP/1.1\r\nHost: localhost:${port}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        );
      });
      let text = '';
      socket.on('data', (d) => {
        text += d.toString();
      });
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 431/);
    expect(answer).toContain('content-type: application/problem+json');
    expect(answer).toContain('"type":"headers-too-large"');
  });

  it("answers a session write past DynamoDB's 400 KB item limit with 413 saying what to trim", async () => {
    const json = (method: string, path: string, body?: unknown) =>
      fetch(`${platform.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const created = await json('POST', '/api/sessions', { title: 'Long conversation' });
    expect(created.status).toBe(201);
    let session = (await created.json()) as { id: string; version: number };
    let last: Response | undefined;
    for (let i = 0; i < 40; i++) {
      last = await json('POST', `/api/sessions/${session.id}/messages`, {
        version: session.version,
        text: `${i} ${'é'.repeat(19_990)}`,
      });
      if (last.status !== 200) break;
      session = ((await last.json()) as { session: typeof session }).session;
    }
    expect(last?.status).toBe(413);
    expect(last?.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await last?.json()) as { type: string; detail: string };
    expect(problem.type).toBe('payload-too-large');
    expect(problem.detail).toMatch(/its \d+ messages take \d+ KB/);
    // The session is still there, as it was before the refused write.
    expect((await json('GET', `/api/sessions/${session.id}`)).status).toBe(200);
  });

  it('refuses a tool setting that would widen IAM permissions with 422 naming the field', async () => {
    const answer = await fetch(`${platform.url}/api/code-generation/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        spec: {
          name: 'Wide',
          model: 'anthropic.claude-haiku-4-5-20251001-v1:0',
          systemPrompt: 'You look things up.',
          tools: ['knowledge_base_retrieve'],
          toolConfig: { knowledge_base_retrieve: { knowledgeBaseId: '*' } },
        },
      }),
    });
    expect(answer.status).toBe(422);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    const body = (await answer.json()) as { type: string; errors: { path: string }[] };
    expect(body.type).toBe('permission-widening');
    expect(body.errors.map((e) => e.path)).toContain('toolConfig.knowledge_base_retrieve.knowledgeBaseId');
  });

  it("refuses a forged @connections post, and delivers the platform's own", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/testing/stream`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const received: string[] = [];
    ws.on('message', (data) => received.push(data.toString()));
    // The connection's id is the platform's secret too; a forger tries every guess, signed or not.
    const forged = await raw(
      'POST',
      '/@connections/anything',
      { ...own(), 'content-type': 'application/json', 'content-length': 2 },
      (req) => req.end('{}'),
    );
    expect(forged.status).toBe(403);
    const wrongKey = new ApiGatewayConnectionPoster(`http://127.0.0.1:${port}`, 'us-east-1', {
      accessKeyId: 'LOCALCONNECTIONS',
      secretAccessKey: 'S3RVER',
    });
    await expect(wrongKey.post('anything', { type: 'forged' })).rejects.toThrow();
    const platformPoster = ApiGatewayConnectionPoster.fromConfig({
      ...platform.config,
      WEBSOCKET_ENDPOINT: `http://127.0.0.1:${port}`,
    });
    // Signed with the platform's secret, the call is accepted: the id is unknown, so it is gone (410).
    expect(await platformPoster.post('no-such-connection', { type: 'ping' })).toBe(false);
    ws.close();
    expect(received.filter((m) => m.includes('forged'))).toEqual([]);
  });
});
