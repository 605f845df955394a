import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AWS_RETRY } from '../../lambdas/core/adapters/aws-retry.ts';
import { S3ArtifactStore } from '../../lambdas/core/adapters/s3.ts';
import { DependencyBreaker, dependencyFailed, guardArtifactStore } from '../../lambdas/core/breaker.ts';
import { EMULATOR_CREDENTIALS, PlatformConfig } from '../../lambdas/core/config.ts';
import { DependencyUnavailableError, NotFoundError } from '../../lambdas/core/errors.ts';
import { problem } from '../../lambdas/core/http.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { createModelConsultant } from '../../lambdas/sessions/strands-consultant.ts';
import { addMessage, createSession } from '../../lambdas/sessions/workflow.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';
import { MemorySessions } from '../fakes.ts';

/** A stand-in endpoint on port 0: answers with `handler`, counting requests. */
async function standIn(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server: Server = createServer((req, res) => {
    stand.requests++;
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stand = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  servers.push(stand);
  return stand;
}
const servers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const s3Error = (res: ServerResponse, status: number, code: string) =>
  res
    .writeHead(status, { 'content-type': 'application/xml' })
    .end(
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>stand-in</Message></Error>`,
    );

describe('the artifact store behind a circuit breaker, against a failing stand-in S3', () => {
  it('retries a failing call a bounded number of times, opens, refuses at once, then half-opens and closes', async () => {
    let healthy = false;
    const s3 = await standIn((_req, res) => {
      if (healthy) res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
      else s3Error(res, 500, 'InternalError');
    });
    const breaker = new DependencyBreaker('the stand-in S3', { volumeThreshold: 2, resetTimeout: 400 });
    const store = guardArtifactStore(
      S3ArtifactStore.create({
        bucket: 'b',
        region: 'us-east-1',
        endpoint: s3.url,
        credentials: EMULATOR_CREDENTIALS,
      }),
      breaker,
    );

    // Closed: the SDK's own retries, and no more (maxAttempts), with a bounded backoff.
    const started = Date.now();
    await expect(store.get('k')).rejects.toMatchObject({ name: 'InternalError' });
    expect(s3.requests).toBe(AWS_RETRY.maxAttempts);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(breaker.state).toBe('closed');

    await expect(store.get('k')).rejects.toMatchObject({ name: 'InternalError' });
    expect(breaker.state).toBe('open');

    // Open: refused at once, without a request, saying what is down and when to come back.
    const before = s3.requests;
    const refused = await store.get('k').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DependencyUnavailableError);
    expect((refused as DependencyUnavailableError).dependency).toBe('the stand-in S3');
    expect((refused as DependencyUnavailableError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(s3.requests).toBe(before);

    // Half-open after the reset timeout: one trial call; it fails, so the breaker opens again.
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(breaker.state).toBe('half-open');
    await expect(store.get('k')).rejects.toMatchObject({ name: 'InternalError' });
    expect(breaker.state).toBe('open');

    // Recovered: the next trial succeeds and the breaker closes.
    healthy = true;
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(breaker.state).toBe('half-open');
    expect(new TextDecoder().decode(await store.get('k'))).toBe('ok');
    expect(breaker.state).toBe('closed');
    breaker.shutdown();
  }, 30_000);

  it('never opens on the caller’s own mistakes: a missing key or a refused permission', async () => {
    const s3 = await standIn((req, res) =>
      req.url?.includes('missing') ? s3Error(res, 404, 'NoSuchKey') : s3Error(res, 403, 'AccessDenied'),
    );
    const breaker = new DependencyBreaker('the stand-in S3', { volumeThreshold: 1 });
    const store = guardArtifactStore(
      S3ArtifactStore.create({
        bucket: 'b',
        region: 'us-east-1',
        endpoint: s3.url,
        credentials: EMULATOR_CREDENTIALS,
      }),
      breaker,
    );
    for (let i = 0; i < 4; i++) {
      expect(await store.get('missing')).toBeUndefined();
      await expect(store.get('secret')).rejects.toMatchObject({ name: 'AccessDenied' });
    }
    expect(breaker.state).toBe('closed');
    expect(s3.requests).toBe(8); // 4xx are not retried either
    breaker.shutdown();
  });

  it('counts network errors, timeouts, 5xx and throttles as the dependency failing, and nothing else', () => {
    expect(dependencyFailed(new Error('ECONNREFUSED'))).toBe(true);
    expect(dependencyFailed({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })).toBe(true);
    expect(dependencyFailed({ name: 'InternalError', $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(dependencyFailed({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } })).toBe(false);
    expect(dependencyFailed(new NotFoundError('no such thing'))).toBe(false);
  });
});

describe('an open breaker over HTTP', () => {
  it('is a 503 problem+json naming what is down, with Retry-After', () => {
    const answer = problem(new DependencyUnavailableError('Amazon Bedrock', 17), '/api/x', 'trace-1');
    expect(answer.statusCode).toBe(503);
    expect(answer.headers).toMatchObject({ 'content-type': 'application/problem+json', 'retry-after': '17' });
    expect(JSON.parse(answer.body as string)).toMatchObject({
      type: 'dependency-unavailable',
      status: 503,
      detail: expect.stringContaining('Amazon Bedrock is failing'),
    });
  });
});

describe('the model-backed consultant behind a breaker, against a failing OpenAI-compatible stand-in', () => {
  it('falls back to the rule-based consultant, labelled, and stops calling the endpoint once open', async () => {
    const endpoint = await standIn((_req, res) =>
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"overloaded"}}'),
    );
    const registries = { models: loadModelRegistry(), tools: loadToolRegistry() };
    const config = PlatformConfig.parse({
      CONSULTANT: 'openai-compatible',
      OPENAI_COMPATIBLE_BASE_URL: `${endpoint.url}/v1`,
      OPENAI_COMPATIBLE_MODEL: 'stand-in',
    });
    const consultant = await createModelConsultant(config, registries, { volumeThreshold: 2 });
    const deps = { sessions: new MemorySessions(), registries, consultant: async () => consultant };
    let session = await createSession(deps, 'alice', {});
    const notes: string[][] = [];
    for (const text of ['An agent that answers HR questions', 'It runs on Lambda', 'Python please']) {
      const answer = await addMessage(deps, 'alice', session.id, { version: session.version, text });
      session = answer.session;
      expect(answer.reply.by).toBe('deterministic');
      notes.push(answer.reply.notes);
    }
    expect(notes[0]?.join(' ')).toMatch(/did not answer .*the rule-based consultant answered instead/);
    const requestsWhenOpen = endpoint.requests;
    expect(notes[2]?.join(' ')).toContain('the OpenAI-compatible endpoint at 127.0.0.1');
    expect(notes[2]?.join(' ')).toMatch(/is failing; the platform stopped calling it/);
    const again = await addMessage(deps, 'alice', session.id, {
      version: session.version,
      text: 'Budget $20',
    });
    expect(again.reply.by).toBe('deterministic');
    expect(endpoint.requests).toBe(requestsWhenOpen);
  }, 60_000);
});
