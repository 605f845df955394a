import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbTable } from '../../lambdas/core/adapters/dynamodb-table.ts';
import { RateLimitedError, ValidationError } from '../../lambdas/core/errors.ts';
import { type Emulators, startEmulators } from '../../lambdas/local/emulators.ts';
import { DynamoDbRunnerSlots } from '../../lambdas/testing/dynamodb-runner-slots.ts';
import { cappedLimits } from '../../lambdas/testing/service.ts';

// Concurrent runner tasks, capped per builder and in total, on dynalite.
let emulators: Emulators;
let client: DynamoDBClient;
let table: DynamoDbTable;

beforeAll(async () => {
  emulators = await startEmulators({ table: 'slots', bucket: 'slots', region: 'us-east-1' });
  client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: emulators.dynamodbEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  table = new DynamoDbTable(client, 'slots');
});
afterAll(async () => {
  client?.destroy();
  await emulators?.close();
});

const later = () => new Date(Date.now() + 60_000);

describe('runner slots', () => {
  it('caps one builder, says so with 429, and frees a slot when a task reports', async () => {
    const slots = new DynamoDbRunnerSlots(table, { perUser: 2, total: 10 });
    await slots.acquire('ana', 'a1', later());
    await slots.acquire('ana', 'a2', later());
    const refused = await slots.acquire('ana', 'a3', later()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as Error).message).toMatch(/you have 2 builds or runs going/);
    // Another builder is not held back by Ana's tasks.
    await slots.acquire('ben', 'b1', later());
    await slots.release('ana', 'a1');
    await slots.acquire('ana', 'a3', later());
    for (const [who, id] of [
      ['ana', 'a2'],
      ['ana', 'a3'],
      ['ben', 'b1'],
    ])
      await slots.release(who as string, id as string);
  });

  it('caps the platform in total, without taking a builder slot it could not use', async () => {
    const slots = new DynamoDbRunnerSlots(table, { perUser: 5, total: 2 });
    const other = new DynamoDbRunnerSlots(table, { perUser: 5, total: 2 }, Date.now);
    await slots.acquire('cy', 'c1', later());
    await other.acquire('dee', 'd1', later());
    await expect(slots.acquire('eve', 'e1', later())).rejects.toThrow(
      /test tasks are running on this platform/,
    );
    await slots.release('cy', 'c1');
    await slots.acquire('eve', 'e1', later());
    for (const [who, id] of [
      ['dee', 'd1'],
      ['eve', 'e1'],
    ])
      await slots.release(who as string, id as string);
  });

  it('lets a task that never reported stop counting once its deadline has passed', async () => {
    let now = Date.now();
    const slots = new DynamoDbRunnerSlots(table, { perUser: 1, total: 10 }, () => now);
    await slots.acquire('fay', 'f1', new Date(now + 1_000));
    await expect(slots.acquire('fay', 'f2', new Date(now + 1_000))).rejects.toThrow(RateLimitedError);
    now += 2_000;
    await slots.acquire('fay', 'f2', new Date(now + 1_000));
  });

  it('counts every holder when many start at once (conditional writes, no lost update)', async () => {
    const slots = new DynamoDbRunnerSlots(table, { perUser: 3, total: 100 });
    const results = await Promise.allSettled(
      ['g1', 'g2', 'g3', 'g4', 'g5', 'g6'].map((id) => slots.acquire('gil', id, later())),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
  });
});

describe('operator caps on run limits', () => {
  const caps = { runMs: 300_000, buildMs: 900_000, memoryMb: 2_048 };

  it('refuses a limit above the cap, naming the field and the cap', () => {
    const error = (() => {
      try {
        cappedLimits({ memoryMb: 4_096, timeoutMs: 600_000 }, caps);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual([
      { path: 'limits.timeoutMs', message: 'at most 300,000 ms on this platform' },
      { path: 'limits.memoryMb', message: 'at most 2,048 MiB on this platform' },
    ]);
  });

  it('keeps what a builder asks within the caps, and lowers defaults above them', () => {
    expect(cappedLimits({ memoryMb: 512 }, caps)).toMatchObject({ memoryMb: 512, timeoutMs: 120_000 });
    expect(cappedLimits(undefined, { ...caps, buildMs: 60_000 })).toMatchObject({ buildTimeoutMs: 60_000 });
  });
});
