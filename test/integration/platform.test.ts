import { unzipSync } from 'fflate';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningPlatform, startPlatform } from '../../lambdas/local/platform.ts';
import { contractClient, type Json } from './contract-client.ts';

// The embedded platform over real HTTP: the local gateway, the same handlers as the Lambdas,
// dynalite, s3rver and the generation ASL run by aws-local-stepfunctions. JWT mode, so two users exist.
const SECRET = 'integration-test-secret-0123456789';
let platform: RunningPlatform;
let alice = '';
let bob = '';

const token = (sub: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .sign(new TextEncoder().encode(SECRET));

const call = contractClient(() => platform.url);

/** A call whose answer is checked against its route's contract; zips come back as bytes, text as text. */
async function api(
  method: string,
  path: string,
  options: { body?: unknown; as?: string; raw?: string } = {},
) {
  const answer = await call(method, path, { body: options.body, token: options.as, raw: options.raw });
  const body = answer.type.includes('json')
    ? answer.body
    : answer.type.includes('zip')
      ? answer.bytes
      : answer.body.text;
  return { status: answer.status, type: answer.type, body: body as never as Json };
}

beforeAll(async () => {
  platform = await startPlatform({ port: 0, auth: { mode: 'jwt', secret: SECRET }, generateLimitPerHour: 5 });
  alice = await token('alice');
  bob = await token('bob');
}, 60_000);
afterAll(async () => platform?.close());

describe('the embedded platform over HTTP', () => {
  it('serves health and an OpenAPI 3.1 document of every route', async () => {
    expect((await api('GET', '/api/health')).body.status).toBe('ok');
    const doc = (await api('GET', '/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/sessions/{id}/advance',
        '/api/code-generation/{id}/files/{path}',
        '/api/cost-estimate',
      ]),
    );
  });

  it('requires a valid token on every user route', async () => {
    const none = await api('GET', '/api/models');
    expect(none.status).toBe(401);
    expect(none.type).toContain('application/problem+json');
    expect((await api('GET', '/api/models', { as: 'not-a-jwt' })).status).toBe(401);
    expect((await api('GET', '/api/models', { as: alice })).status).toBe(200);
  });

  it('lists, recommends and compares models and resolves tools', async () => {
    const models = await api('GET', '/api/models?provider=bedrock&capability=vision&maxInputPrice=0.1', {
      as: alice,
    });
    expect(models.body.length).toBeGreaterThan(0);
    const recommended = await api('GET', '/api/models/recommend?useCase=summarise%20contracts&budget=20', {
      as: alice,
    });
    expect(recommended.body.recommendations[0].model.provider).toBe('bedrock');
    const compared = await api('POST', '/api/models/compare', {
      as: alice,
      body: { ids: ['amazon.nova-pro-v1:0', 'amazon.nova-lite-v1:0'] },
    });
    expect(compared.body.cheapest).toBe('amazon.nova-lite-v1:0');
    const resolved = await api('POST', '/api/tools/resolve', {
      as: alice,
      body: { ids: ['shell'], language: 'typescript', platform: 'lambda' },
    });
    expect(resolved.body.ok).toBe(false);
  });

  it('walks a session from requirements to a generated, downloadable project, and estimates its cost', async () => {
    const created = await api('POST', '/api/sessions', {
      as: alice,
      body: {
        title: 'Refund helper',
        answers: {
          useCase: 'Answer refund questions and calculate refund totals. Serverless.',
          requestsPerMonth: 20000,
        },
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const context = await api('GET', `/api/sessions/${id}/context`, { as: alice });
    expect(context.body.spec.tools).toContain('calculator');
    expect(context.body.spec.deployment.target).toBe('lambda');
    expect(context.body.completeness).toBeGreaterThan(50);

    expect(
      (await api('POST', `/api/sessions/${id}/advance`, { as: alice, body: { version: 1 } })).body.session
        .phase,
    ).toBe('ARCHITECTURE');
    expect(
      (await api('POST', `/api/sessions/${id}/advance`, { as: alice, body: { version: 2 } })).body.session
        .phase,
    ).toBe('IMPLEMENTATION');
    const generated = await api('POST', `/api/sessions/${id}/advance`, { as: alice, body: { version: 3 } });
    expect(generated.body.session.phase).toBe('CODE_GENERATION');
    expect(generated.body.generation.status).toBe('SUCCEEDED');
    const generationId = generated.body.generation.id as string;

    const record = await api('GET', `/api/code-generation/${generationId}`, { as: alice });
    expect(record.body.files).toContain('src/agent.ts');
    const file = await api('GET', `/api/code-generation/${generationId}/files/src/prompt.ts`, { as: alice });
    expect(file.body).toContain('export const SYSTEM_PROMPT');
    const download = await api('GET', `/api/code-generation/${generationId}/download`, { as: alice });
    expect(download.type).toBe('application/zip');
    const entries = unzipSync(download.body as unknown as Uint8Array);
    expect(Object.keys(entries)).toContain('refund-helper/src/agent.ts');

    const cost = await api('POST', '/api/cost-estimate', { as: alice, body: context.body.spec });
    expect(cost.body.monthly.total).toBeGreaterThan(0);
  });

  it('generates from a spec, and reuses the cached result for the same spec', async () => {
    const spec = {
      name: 'Cached',
      model: 'amazon.nova-lite-v1:0',
      systemPrompt: 'Be brief.',
      tools: ['calculator'],
    };
    const first = await api('POST', '/api/code-generation/generate', { as: alice, body: { spec } });
    expect(first.status).toBe(201);
    expect(first.body.cached).toBe(false);
    const second = await api('POST', '/api/code-generation/generate', { as: alice, body: { spec } });
    expect(second.body.cached).toBe(true);
    expect(second.body.files).toEqual(first.body.files);
  });

  it('hides another user’s session and generation (404)', async () => {
    const created = await api('POST', '/api/sessions', { as: alice, body: { title: 'Private' } });
    expect((await api('GET', `/api/sessions/${created.body.id}`, { as: bob })).status).toBe(404);
    expect((await api('GET', '/api/sessions', { as: bob })).body.sessions).toEqual([]);
    const generation = await api('POST', '/api/code-generation/generate', {
      as: alice,
      body: { spec: { name: 'Mine', model: 'amazon.nova-lite-v1:0', systemPrompt: 'x' } },
    });
    expect((await api('GET', `/api/code-generation/${generation.body.id}`, { as: bob })).status).toBe(404);
    expect(
      (await api('GET', `/api/code-generation/${generation.body.id}/download`, { as: bob })).status,
    ).toBe(404);
  });

  it("checks the stream's token on connect, and hides another user's generation from test builds", async () => {
    const url = `${platform.url.replace('http', 'ws')}/ws/testing/stream`;
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url);
      ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      ws.once('open', () => resolve(101));
    });
    expect(refused).toBe(401);
    const ws = new WebSocket(`${url}?token=${encodeURIComponent(bob)}`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const answer = new Promise<Record<string, unknown>>((resolve) =>
      ws.once('message', (data) => resolve(JSON.parse(data.toString()))),
    );
    ws.send(JSON.stringify({ action: 'run', buildId: 'someone-elses-build', input: 'hi' }));
    expect(await answer).toMatchObject({ type: 'error', problem: { type: 'not-found', status: 404 } });
    ws.close();
    const carol = await token('carol');
    const generation = await api('POST', '/api/code-generation/generate', {
      as: carol,
      body: { spec: { name: 'Carol only', model: 'amazon.nova-lite-v1:0', systemPrompt: 'x' } },
    });
    expect(generation.status).toBe(201);
    const build = await api('POST', '/api/testing/build', {
      as: bob,
      body: { generationId: generation.body.id },
    });
    expect(build.status).toBe(404);
    expect(build.body.type).toBe('not-found');
  });

  it('refuses a stale write with 409 and loses no update', async () => {
    const created = await api('POST', '/api/sessions', { as: alice, body: { title: 'Race' } });
    const id = created.body.id as string;
    const [a, b] = await Promise.all([
      api('PATCH', `/api/sessions/${id}`, { as: alice, body: { version: 1, answers: { useCase: 'first' } } }),
      api('PATCH', `/api/sessions/${id}`, { as: alice, body: { version: 1, answers: { name: 'second' } } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const stored = await api('GET', `/api/sessions/${id}`, { as: alice });
    expect(stored.body.version).toBe(2);
  });

  it('rate-limits generation per user with 429 and Retry-After', async () => {
    const spec = { name: 'Limited', model: 'amazon.nova-lite-v1:0', systemPrompt: 'x' };
    let last = { status: 0 } as { status: number };
    for (let i = 0; i < 6; i++)
      last = await api('POST', '/api/code-generation/generate', {
        as: bob,
        body: { spec: { ...spec, name: `Limited ${i}` } },
      });
    expect(last.status).toBe(429);
    const response = await fetch(`${platform.url}/api/code-generation/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bob}` },
      body: JSON.stringify({ spec }),
    });
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers malformed and hostile input on every route with a 4xx problem, never a 500', async () => {
    const hostile = [
      '{not json',
      '"just a string"',
      '[1,2,3]',
      JSON.stringify({ __proto__: { admin: true }, spec: { name: '${jndi:ldap://x}' } }),
      'x'.repeat(2_000_000),
    ];
    const paths: [string, string][] = [
      ['POST', '/api/models/compare'],
      ['POST', '/api/tools/resolve'],
      ['POST', '/api/cost-estimate'],
      ['POST', '/api/sessions'],
      ['PATCH', '/api/sessions/nope'],
      ['POST', '/api/sessions/nope/messages'],
      ['POST', '/api/sessions/nope/advance'],
      ['POST', '/api/code-generation/generate'],
    ];
    for (const [method, path] of paths) {
      for (const raw of hostile) {
        const result = await api(method, path, { as: alice, raw });
        expect(result.status, `${method} ${path} ${raw.slice(0, 20)}`).toBeGreaterThanOrEqual(400);
        expect(result.status, `${method} ${path} ${raw.slice(0, 20)}`).toBeLessThan(500);
        expect(result.type).toContain('application/problem+json');
      }
    }
    for (const path of [
      '/api/models/%00',
      '/api/models?maxInputPrice=abc',
      '/api/code-generation/nope/files/..%2F..%2Fetc%2Fpasswd',
      '/api/sessions/%27%20OR%201=1',
      '/api/nope',
    ]) {
      const result = await api('GET', path, { as: alice });
      expect(result.status, path).toBeGreaterThanOrEqual(400);
      expect(result.status, path).toBeLessThan(500);
    }
    expect((await api('DELETE', '/api/models', { as: alice })).status).toBe(405);
  });
});
