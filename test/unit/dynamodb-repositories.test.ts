import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbRateLimiter } from '../../lambdas/core/adapters/dynamodb-rate-limiter.ts';
import { DynamoDbTable } from '../../lambdas/core/adapters/dynamodb-table.ts';
import { DynamoDbGenerationRepository } from '../../lambdas/generate/dynamodb-generation-repository.ts';
import type { GenerationRecord } from '../../lambdas/generate/ports.ts';
import { type Emulators, startEmulators } from '../../lambdas/local/emulators.ts';
import { DynamoDbSessionRepository } from '../../lambdas/sessions/dynamodb-session-repository.ts';
import type { Session } from '../../lambdas/sessions/model.ts';
import { DynamoDbTestRepository } from '../../lambdas/testing/dynamodb-test-repository.ts';
import type { TestRunRecord } from '../../lambdas/testing/model.ts';

// The features' repositories on the core table adapter, against dynalite (in memory): the items they
// write are exactly the documented single-table layout (DESIGN.md, "Data"), so existing `.data/`
// directories and the deployed table keep working.
let emulators: Emulators;
let client: DynamoDBClient;
let raw: DynamoDBDocumentClient;
let table: DynamoDbTable;

beforeAll(async () => {
  emulators = await startEmulators({ table: 'repos', bucket: 'repos', region: 'us-east-1' });
  client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: emulators.dynamodbEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  raw = DynamoDBDocumentClient.from(client);
  table = new DynamoDbTable(client, 'repos');
});
afterAll(async () => {
  client?.destroy();
  await emulators?.close();
});

const item = async (PK: string, SK: string) =>
  (await raw.send(new GetCommand({ TableName: 'repos', Key: { PK, SK } }))).Item;

function session(id: string, updatedAt: string, version = 1): Session {
  return {
    id,
    owner: 'alice',
    title: 'New agent',
    phase: 'REQUIREMENTS',
    answers: {},
    selections: {},
    messages: [],
    generationIds: [],
    version,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt,
  };
}

describe('DynamoDB repositories', () => {
  it('keeps a session at SESSION#id / META with its owner index, and writes it only on its version', async () => {
    const sessions = new DynamoDbSessionRepository(table);
    const first = session('s1', '2026-01-01T00:00:00.000Z');
    await sessions.create(first);
    expect(await item('SESSION#s1', 'META')).toEqual({
      PK: 'SESSION#s1',
      SK: 'META',
      GSI1PK: 'OWNER#alice',
      GSI1SK: 'UPDATED#2026-01-01T00:00:00.000Z#s1',
      type: 'session',
      data: first,
      version: 1,
    });
    await expect(sessions.create(first)).rejects.toMatchObject({ type: 'conflict' });

    const second = session('s1', '2026-01-02T00:00:00.000Z', 2);
    await expect(sessions.save(second, 5)).rejects.toMatchObject({
      type: 'conflict',
      message: expect.stringContaining('changed since version 5'),
    });
    await sessions.save(second, 1);
    expect(await sessions.get('s1')).toEqual(second);

    await sessions.create(session('s2', '2026-01-03T00:00:00.000Z'));
    expect((await sessions.listByOwner('alice', 10)).map((s) => s.id)).toEqual(['s2', 's1']);
    expect(await sessions.listByOwner('alice', 1)).toHaveLength(1);
    expect(await sessions.get('nope')).toBeUndefined();
  });

  it('keeps a generation, its link in the session history and the cache entry', async () => {
    const generations = new DynamoDbGenerationRepository(table);
    const record: GenerationRecord = {
      id: 'g1',
      owner: 'alice',
      sessionId: 's1',
      status: 'SUCCEEDED',
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    await generations.putGeneration(record);
    expect(await item('GENERATION#g1', 'META')).toEqual({
      PK: 'GENERATION#g1',
      SK: 'META',
      type: 'generation',
      data: record,
    });
    expect(await item('SESSION#s1', 'GENERATION#2026-01-01T00:00:00.000Z#g1')).toEqual({
      PK: 'SESSION#s1',
      SK: 'GENERATION#2026-01-01T00:00:00.000Z#g1',
      type: 'generation-link',
      generationId: 'g1',
      status: 'SUCCEEDED',
    });
    expect(await generations.getGeneration('g1')).toEqual(record);

    await generations.putCached('hash-1', 'g1');
    expect(await item('GENCACHE#hash-1', 'META')).toEqual({
      PK: 'GENCACHE#hash-1',
      SK: 'META',
      type: 'cache',
      generationId: 'g1',
    });
    expect(await generations.getCached('hash-1')).toBe('g1');
    expect(await generations.getCached('hash-2')).toBeUndefined();
  });

  it('counts uses per user and action in a sliding hour, and refuses past the limit with a Retry-After', async () => {
    const limiter = new DynamoDbRateLimiter(table);
    await limiter.hit('bob', 'generate', 2);
    await limiter.hit('bob', 'generate', 2);
    await expect(limiter.hit('bob', 'generate', 2)).rejects.toMatchObject({
      type: 'rate-limited',
      retryAfterSeconds: expect.any(Number),
    });
    await limiter.hit('bob', 'test', 2);
    const window = await item('RATE#bob#generate', 'WINDOW');
    expect(window).toMatchObject({
      uses: [expect.any(Number), expect.any(Number)],
      expiresAt: expect.any(Number),
    });
  });

  it('cannot be doubled by a burst across an hour boundary', async () => {
    const hour = 3_600_000;
    let now = Math.floor(Date.now() / hour) * hour + hour - 1_000; // a second before the hour ends
    const limiter = new DynamoDbRateLimiter(table, () => now);
    for (let i = 0; i < 3; i++) await limiter.hit('carol', 'generate', 3);
    now += 2_000; // a second into the next hour
    await expect(limiter.hit('carol', 'generate', 3)).rejects.toMatchObject({
      type: 'rate-limited',
      retryAfterSeconds: 3_598,
    });
    now += hour - 2_000; // the first burst has left the window
    await limiter.hit('carol', 'generate', 3);
  });

  it('counts a burst of concurrent uses exactly: all within the limit pass, the rest are refused', async () => {
    const limiter = new DynamoDbRateLimiter(table);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 24 }, () => limiter.hit('dave', 'generate', 20)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(20);
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(4);
    expect((await item('RATE#dave#generate', 'WINDOW'))?.uses).toHaveLength(20);
  });

  it('keeps a test run and its history entry, reads a history newest first, and keeps connections', async () => {
    const tests = new DynamoDbTestRepository(table);
    const run = (id: string, createdAt: string, sessionId?: string): TestRunRecord => ({
      id,
      owner: 'alice',
      buildId: 'b1',
      generationId: 'g1',
      ...(sessionId ? { sessionId } : {}),
      input: 'hi',
      status: 'RUNNING',
      expiresAt: '2026-01-02T00:00:00.000Z',
      createdAt,
    });
    const early = run('r1', '2026-01-01T00:00:01.000Z', 's1');
    await tests.putRun(early);
    await tests.putRun(run('r2', '2026-01-01T00:00:02.000Z', 's1'));
    await tests.putRun(run('r3', '2026-01-01T00:00:03.000Z'));
    expect(await item('TESTRUN#r1', 'META')).toEqual({
      PK: 'TESTRUN#r1',
      SK: 'META',
      type: 'test-run',
      data: early,
    });
    expect(await item('SESSION#s1', 'TEST#2026-01-01T00:00:01.000Z#r1')).toMatchObject({
      type: 'test-run-entry',
      data: early,
    });
    expect(await item('GENERATION#g1', 'TEST#2026-01-01T00:00:03.000Z#r3')).toMatchObject({
      type: 'test-run-entry',
    });
    expect((await tests.listRuns({ sessionId: 's1' }, 10)).map((r) => r.id)).toEqual(['r2', 'r1']);
    expect((await tests.listRuns({ generationId: 'g1' }, 10)).map((r) => r.id)).toEqual(['r3']);
    expect(await tests.getRun('r1')).toEqual(early);

    await tests.putConnection('c1', 'alice');
    expect(await item('CONNECTION#c1', 'META')).toMatchObject({
      type: 'connection',
      owner: 'alice',
      expiresAt: expect.any(Number),
    });
    expect(await tests.getConnectionOwner('c1')).toBe('alice');
    await tests.deleteConnection('c1');
    expect(await tests.getConnectionOwner('c1')).toBeUndefined();
  });

  it('reads a build written in the stored format', async () => {
    await raw.send(
      new PutCommand({
        TableName: 'repos',
        Item: { PK: 'BUILD#b9', SK: 'META', type: 'build', data: { id: 'b9', status: 'READY' } },
      }),
    );
    expect(await new DynamoDbTestRepository(table).getBuild('b9')).toEqual({ id: 'b9', status: 'READY' });
  });
});
