import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataAdapters } from '../../lambdas/core/adapters/data.ts';
import { EMULATOR_CREDENTIALS } from '../../lambdas/core/config.ts';
import { type RunningPlatform, startPlatform } from '../../lambdas/local/platform.ts';
import { DynamoDbTestRepository } from '../../lambdas/testing/dynamodb-test-repository.ts';
import { contractClient, type Json } from './contract-client.ts';

// Managing agents on the embedded platform: rename, duplicate, delete. A delete removes everything of
// the session from the table and the bucket (read back with the emulators' own scan and listing), and
// nothing of another builder's agent, even one generated from the same spec.
const SECRET = 'agents-test-secret-0123456789abcdef';
let platform: RunningPlatform;
let alice = '';
let bob = '';
const call = contractClient(() => platform.url);
const api = async (method: string, path: string, as: string, body?: unknown) => {
  const answer = await call(method, path, { body, token: as });
  return { status: answer.status, body: answer.body as Json };
};
const token = (sub: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .sign(new TextEncoder().encode(SECRET));

/** Every item of the table and every key of the bucket, as the emulators hold them. */
async function everything() {
  const region = platform.config.AWS_REGION;
  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region, endpoint: platform.dynamodbEndpoint, credentials: EMULATOR_CREDENTIALS }),
  );
  const s3 = new S3Client({
    region,
    endpoint: platform.s3Endpoint,
    forcePathStyle: true,
    credentials: EMULATOR_CREDENTIALS,
  });
  const scan = await dynamo.send(new ScanCommand({ TableName: platform.config.TABLE_NAME }));
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: platform.config.ARTIFACTS_BUCKET }));
  return {
    items: (scan.Items ?? []).map((item) => JSON.stringify(item)),
    keys: (listed.Contents ?? []).map((object) => object.Key ?? ''),
  };
}

const spec = (name: string) => ({
  title: name,
  answers: { useCase: 'Answer refund questions and calculate refund totals. Serverless.' },
  selections: { name: 'Refund helper', model: 'amazon.nova-lite-v1:0', systemPrompt: 'Be brief.' },
});

async function generatedSession(as: string, title: string) {
  const created = await api('POST', '/api/sessions', as, spec(title));
  expect(created.status).toBe(201);
  const generated = await api('POST', '/api/code-generation/generate', as, { sessionId: created.body.id });
  expect(generated.status).toBe(201);
  return { sessionId: created.body.id as string, generation: generated.body };
}

beforeAll(async () => {
  platform = await startPlatform({
    port: 0,
    auth: { mode: 'jwt', secret: SECRET },
    generateLimitPerHour: 20,
  });
  alice = await token('alice');
  bob = await token('bob');
}, 60_000);
afterAll(async () => platform?.close());

describe('agents you can manage', () => {
  it('refuses a new agent with neither a name nor a description (400, in words)', async () => {
    const refused = await api('POST', '/api/sessions', alice, {});
    expect(refused.status).toBe(400);
    expect(refused.body.type).toBe('validation-error');
    expect(refused.body.errors.map((e: Json) => e.path)).toEqual(['title', 'answers.useCase']);
    const described = await api('POST', '/api/sessions', alice, { answers: { useCase: 'Triage tickets' } });
    expect(described.body.title).toBe('Triage tickets');
  });

  it('renames, duplicates, and lists each agent with its model and last generation', async () => {
    const { sessionId, generation } = await generatedSession(alice, 'Original');
    const session = (await api('GET', `/api/sessions/${sessionId}`, alice)).body;
    const renamed = await api('PATCH', `/api/sessions/${sessionId}`, alice, {
      version: session.version,
      title: 'Renamed',
    });
    expect(renamed.body.title).toBe('Renamed');
    const copy = await api('POST', `/api/sessions/${sessionId}/duplicate`, alice);
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ title: 'Renamed (copy)', generationIds: [], version: 1 });
    expect(copy.body.selections).toEqual(session.selections);
    expect((await api('POST', `/api/sessions/${sessionId}/duplicate`, bob)).status).toBe(404);

    const listed = (await api('GET', '/api/sessions', alice)).body.sessions as Json[];
    const original = listed.find((s) => s.id === sessionId);
    expect(original).toMatchObject({
      title: 'Renamed',
      model: 'amazon.nova-lite-v1:0',
      lastGeneration: { id: generation.id, status: 'SUCCEEDED' },
    });
    expect(listed.find((s) => s.id === copy.body.id)?.lastGeneration).toBeUndefined();
  });

  it('numbers every generation of an agent as a version, says when the code is out of date and what changed', async () => {
    const { sessionId, generation } = await generatedSession(alice, 'Versions');
    expect(generation).toMatchObject({ version: 1, changes: [] });
    let versions = (await api('GET', `/api/sessions/${sessionId}/versions`, alice)).body;
    expect(versions.current).toEqual({ upToDate: true, changes: [] });
    const session = (await api('GET', `/api/sessions/${sessionId}`, alice)).body;
    await api('PATCH', `/api/sessions/${sessionId}`, alice, {
      version: session.version,
      selections: { model: 'amazon.nova-pro-v1:0' },
    });
    versions = (await api('GET', `/api/sessions/${sessionId}/versions`, alice)).body;
    expect(versions.current).toEqual({
      upToDate: false,
      changes: [{ field: 'model', from: 'amazon.nova-lite-v1:0', to: 'amazon.nova-pro-v1:0' }],
    });
    const second = await api('POST', '/api/code-generation/generate', alice, { sessionId });
    expect(second.body).toMatchObject({
      version: 2,
      changes: [{ field: 'model', from: 'amazon.nova-lite-v1:0', to: 'amazon.nova-pro-v1:0' }],
    });
    versions = (await api('GET', `/api/sessions/${sessionId}/versions`, alice)).body;
    expect(versions.versions.map((v: Json) => v.version)).toEqual([2, 1]);
    expect(versions.current.upToDate).toBe(true);
    const download = await fetch(`${platform.url}/api/code-generation/${second.body.id}/download`, {
      headers: { authorization: `Bearer ${alice}` },
    });
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="refund-helper-v2.zip"');
    expect((await api('GET', `/api/sessions/${sessionId}/versions`, bob)).status).toBe(404);
  });

  it("deletes an agent with its generations, builds, runs and files, and nothing of another builder's", async () => {
    const mine = await generatedSession(alice, 'To delete');
    // A second generation of the same spec in the same session hits the cache and shares its files.
    const again = await api('POST', '/api/code-generation/generate', alice, { sessionId: mine.sessionId });
    expect(again.body.cached).toBe(true);
    // The same spec in bob's session: its own files, not a cache hit on alice's.
    const theirs = await generatedSession(bob, 'To keep');
    expect(theirs.generation.cached).toBe(false);

    // A build and a test run of alice's generation, stored as the testing feature stores them.
    const { table, store } = dataAdapters(platform.config);
    const tests = new DynamoDbTestRepository(table);
    const at = new Date().toISOString();
    const buildId = 'build-of-deleted-agent';
    const runId = 'run-of-deleted-agent';
    await tests.putBuild({
      id: buildId,
      owner: 'alice',
      generationId: mine.generation.id,
      sessionId: mine.sessionId,
      status: 'READY',
      createdAt: at,
    });
    await store.put(`tests/${buildId}/task.json`, '{}', 'application/json');
    await tests.putRun({
      id: runId,
      owner: 'alice',
      buildId,
      generationId: mine.generation.id,
      sessionId: mine.sessionId,
      input: 'hi',
      status: 'succeeded',
      output: 'hello',
      outputKey: `tests/${runId}/output.txt`,
      expiresAt: at,
      createdAt: at,
    });
    await store.put(`tests/${runId}/output.txt`, 'hello', 'text/plain');
    const listed = (await api('GET', '/api/sessions', alice)).body.sessions as Json[];
    expect(listed.find((s) => s.id === mine.sessionId)?.lastTest).toMatchObject({
      id: runId,
      status: 'succeeded',
    });

    const ids = [mine.sessionId, mine.generation.id, again.body.id as string, buildId, runId];
    const before = await everything();
    for (const id of ids)
      expect(
        [...before.items, ...before.keys].some((entry) => entry.includes(id)),
        id,
      ).toBe(true);

    expect((await api('DELETE', `/api/sessions/${mine.sessionId}`, bob)).status).toBe(404);
    const deleted = await api('DELETE', `/api/sessions/${mine.sessionId}`, alice);
    expect(deleted.status).toBe(200);
    expect(deleted.body.removed.files).toBeGreaterThan(2);

    const after = await everything();
    for (const id of ids) {
      expect(
        after.items.filter((item) => item.includes(id)),
        id,
      ).toEqual([]);
      expect(
        after.keys.filter((key) => key.includes(id)),
        id,
      ).toEqual([]);
    }
    expect((await api('GET', `/api/sessions/${mine.sessionId}`, alice)).status).toBe(404);
    expect((await api('DELETE', `/api/sessions/${mine.sessionId}`, alice)).status).toBe(404);
    // Bob's agent of the same spec is whole.
    const download = await call('GET', `/api/code-generation/${theirs.generation.id}/download`, {
      token: bob,
    });
    expect(download.status).toBe(200);
    expect((await api('GET', `/api/sessions/${theirs.sessionId}`, bob)).status).toBe(200);
  });
});
