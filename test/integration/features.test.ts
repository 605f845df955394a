import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../../lambdas/local/platform.ts';
import { contractClient } from './contract-client.ts';

// Feature flags on the embedded platform: the operator's flags file (a temp dir here) is read on
// every request, GET /api/features answers per user, and a capability that is off is refused.
const SECRET = 'features-test-secret-0123456789ab';
let platform: RunningPlatform;
let dir = '';
let alice = '';
let bob = '';
const call = contractClient(() => platform.url);
const token = (sub: string) =>
  new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).sign(new TextEncoder().encode(SECRET));
const spec = (target: string) => ({
  name: `Flagged ${target}`,
  model: 'amazon.nova-lite-v1:0',
  systemPrompt: 'You answer briefly.',
  deployment: { target },
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'features-it-'));
  platform = await startPlatform({
    port: 0,
    auth: { mode: 'jwt', secret: SECRET },
    flagsFile: join(dir, 'flags.json'),
  });
  alice = await token('alice');
  bob = await token('bob');
}, 60_000);
afterAll(async () => {
  await platform?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('feature flags over HTTP', () => {
  it('tells each builder which capabilities they have, and refuses one that is off with 403', async () => {
    const all = await call('GET', '/api/features', { token: alice });
    expect(all.status).toBe(200);
    // Every capability is on by default but deploying into the platform's account, which an operator turns on.
    const features = all.body.features as { key: string; enabled: boolean }[];
    expect(features.filter((f) => !f.enabled).map((f) => f.key)).toEqual(['deploy-to-account']);
    expect((await call('GET', '/api/features')).status).toBe(401);

    // The operator rolls the Lambda target back for alice only; no restart.
    writeFileSync(
      join(dir, 'flags.json'),
      JSON.stringify({ values: { 'target-lambda': { enabled: true, percentage: 100, deny: ['alice'] } } }),
    );
    const hers = await call('GET', '/api/features', { token: alice });
    expect(hers.body.features).toContainEqual(
      expect.objectContaining({
        key: 'target-lambda',
        enabled: false,
        variant: 'off',
        reason: 'TARGETING_MATCH',
      }),
    );
    const refused = await call('POST', '/api/code-generation/generate', {
      token: alice,
      body: { spec: spec('lambda') },
    });
    expect(refused.status).toBe(403);
    expect(refused.type).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      type: 'feature-not-enabled',
      errors: [{ path: 'feature', message: 'target-lambda' }],
    });
    expect(refused.body.detail).toContain('not enabled');

    const other = await call('POST', '/api/code-generation/generate', {
      token: bob,
      body: { spec: spec('lambda') },
    });
    expect(other.status).toBe(201);
    const ok = await call('POST', '/api/code-generation/generate', {
      token: alice,
      body: { spec: spec('agentcore') },
    });
    expect(ok.status).toBe(201);
  }, 120_000);
});

describe('builder feedback over HTTP', () => {
  it('stores a thumbs up or down on the builder’s own generation, and refuses someone else’s', async () => {
    const generation = await call('POST', '/api/code-generation/generate', {
      token: bob,
      body: { spec: spec('agentcore') },
    });
    const body = {
      subject: 'generation',
      id: generation.body.id,
      rating: 'down',
      comment: 'Missing a README section.',
    };
    const given = await call('POST', '/api/feedback', { token: bob, body });
    expect(given.status).toBe(201);
    expect(given.body).toMatchObject({ ...body, at: expect.any(String) });
    expect((await call('POST', '/api/feedback', { token: alice, body })).status).toBe(404);
    const bad = await call('POST', '/api/feedback', { token: bob, body: { ...body, rating: 'meh' } });
    expect(bad.body).toMatchObject({
      type: 'validation-error',
      errors: [expect.objectContaining({ path: 'rating' })],
    });
  }, 60_000);
});
