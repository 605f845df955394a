import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../../lambdas/local/platform.ts';

// Property-based fuzzing of the running local platform, generated from its own OpenAPI document:
// every operation with path parameters (well formed, malformed percent-encoding, over-long, real
// ids), query values and bodies (JSON of the schema's property names with any values, any JSON, not
// JSON at all, other content types). Whatever is sent, no answer is a 5xx, and each refusal is
// problem+json. Bounded: a fixed number of requests, each sent once.
const REQUESTS = 5_000;

interface Operation {
  method: string;
  path: string;
  query: string[];
  bodyProperties: string[] | undefined;
}

let platform: RunningPlatform;
let port = 0;
const operations: Operation[] = [];
const realIds: string[] = [];
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document is walked as plain JSON
type Json = any;

beforeAll(async () => {
  platform = await startPlatform({ port: 0, testModel: 'offline' });
  port = Number(new URL(platform.url).port);
  const doc = (await (await fetch(`${platform.url}/api/openapi.json`)).json()) as Json;
  const resolve = (schema: Json): Json =>
    schema?.$ref ? resolve(doc.components.schemas[String(schema.$ref).split('/').pop() ?? '']) : schema;
  for (const [path, methods] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(methods)) {
      const schema = resolve(op.requestBody?.content?.['application/json']?.schema);
      operations.push({
        method: method.toUpperCase(),
        path,
        query: (op.parameters ?? []).filter((p: Json) => p.in === 'query').map((p: Json) => p.name),
        bodyProperties: op.requestBody ? Object.keys(schema?.properties ?? {}) : undefined,
      });
    }
  }
  // Real ids reach the handlers past their lookups.
  const session = await fetch(`${platform.url}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  realIds.push(((await session.json()) as { id: string }).id);
}, 60_000);
afterAll(async () => {
  agent.destroy();
  await platform?.close();
});

/** A path parameter as a client might send it, hostile ones included. */
const pathValue = fc.oneof(
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom('%', '%E0%A4%A', '%ZZ', '%00', '..%2F..%2Fetc%2Fpasswd', '%C0%AF', '%ED%A0%80'),
  fc.integer({ min: 100, max: 3_000 }).map((n) => 'a'.repeat(n)),
  fc.constant('REAL').map(() => realIds[0] ?? 'none'),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
);

const anyValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 4 }),
  fc.integer({ min: 1_000, max: 30_000 }).map((n) => 'x'.repeat(n)),
);

function bodyFor(operation: Operation) {
  const properties = operation.bodyProperties ?? [];
  return fc.oneof(
    properties.length > 0
      ? fc
          .subarray(properties)
          .chain((names) =>
            fc.tuple(...names.map(() => anyValue)).map((values) => values.map((v, i) => [names[i], v])),
          )
          .map((entries) => JSON.stringify(Object.fromEntries(entries)))
      : fc.constant('{}'),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 50 }),
    fc.constantFrom('', '{', 'null', '[]', '{"version":-1}', '\u0000'),
  );
}

const request$ = fc
  .nat({ max: 10_000 })
  .map((i) => operations[i % operations.length] as Operation)
  .chain((operation) =>
    fc.record({
      operation: fc.constant(operation),
      params: fc.array(pathValue, { minLength: 2, maxLength: 2 }),
      query: fc.array(
        fc.tuple(fc.constantFrom(...operation.query, 'unknown'), fc.string({ maxLength: 30 })),
        {
          maxLength: 4,
        },
      ),
      body: operation.bodyProperties ? bodyFor(operation) : fc.constant(undefined),
      contentType: fc.constantFrom(
        'application/json',
        'application/json',
        'application/json',
        'text/plain',
        '',
      ),
      method: fc.constantFrom(operation.method, operation.method, operation.method, 'PUT', 'DELETE'),
    }),
  );

interface Answer {
  status: number;
  type: string;
  body: string;
}

function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8').slice(0, 300),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('fuzzing the running platform from its OpenAPI document', () => {
  it(`answers ${REQUESTS} generated requests without a single 5xx`, async () => {
    let sent = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request$, async (r) => {
        let i = 0;
        const path = r.operation.path.replace(/\{[^}]+\}/g, () => r.params[i++ % 2] ?? 'x');
        const query = r.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        const headers: Record<string, string> = { host: `localhost:${port}` };
        if (r.body !== undefined && r.contentType) headers['content-type'] = r.contentType;
        const answer = await send(r.method, `${path}${query ? `?${query}` : ''}`, headers, r.body);
        sent++;
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        expect(answer.status, `${r.method} ${path.slice(0, 120)} → ${answer.body}`).toBeLessThan(500);
        if (answer.status >= 400) expect(answer.type).toBe('application/problem+json');
      }),
      { numRuns: REQUESTS, endOnFailure: true },
    );
    expect(sent).toBe(REQUESTS);
    // The fuzzing reached past validation too, not only refusals.
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThan(2);
  }, 600_000);
});
