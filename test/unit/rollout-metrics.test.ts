import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmfMetrics, METRICS_NAMESPACE } from '../../lambdas/core/adapters/metrics.ts';
import { PlatformConfig } from '../../lambdas/core/config.ts';
import { createHandler } from '../../lambdas/rollout/handler.ts';

const context = {
  awsRequestId: 'req',
  functionName: 'test',
  getRemainingTimeInMillis: () => 1000,
} as unknown as Context;

/** The EMF records written to stdout while `fn` runs. */
async function emfRecords(fn: () => Promise<unknown>) {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('"_aws"'))
    .map(
      (l) =>
        JSON.parse(l) as Record<string, unknown> & {
          _aws: {
            CloudWatchMetrics: {
              Namespace: string;
              Dimensions: string[][];
              Metrics: { Name: string; Unit: string }[];
            }[];
          };
        },
    );
}

let dir = '';
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('rollout metrics (CloudWatch embedded metric format through Powertools)', () => {
  it('measures each request per route, and per variant of every flag the request evaluated', async () => {
    dir = mkdtempSync(join(tmpdir(), 'metrics-'));
    const flags = join(dir, 'flags.json');
    writeFileSync(flags, JSON.stringify({ values: { evaluations: { enabled: true, percentage: 0 } } }));
    const config = PlatformConfig.parse({ AUTH_MODE: 'dev', METRICS: 'emf', FLAGS_FILE: flags });
    const handler = createHandler(() => config);
    const event = {
      version: '2.0',
      routeKey: 'GET /api/features',
      rawPath: '/api/features',
      rawQueryString: '',
      headers: {},
      isBase64Encoded: false,
      requestContext: { requestId: 'trace-1' },
    } as unknown as APIGatewayProxyEventV2;
    let status: number | undefined;
    const records = await emfRecords(async () => {
      status = (await handler(event, context)).statusCode;
    });
    expect(status).toBe(200);
    const byDimensions = (names: string[]) =>
      records.filter(
        (r) =>
          JSON.stringify(r._aws.CloudWatchMetrics[0]?.Dimensions[0]?.slice().sort()) ===
          JSON.stringify(names),
      );
    expect(records.every((r) => r._aws.CloudWatchMetrics[0]?.Namespace === METRICS_NAMESPACE)).toBe(true);
    expect(byDimensions(['route', 'service'])).toEqual([
      expect.objectContaining({ route: 'listFeatures', Latency: expect.any(Number) }),
    ]);
    const perVariant = byDimensions(['flag', 'service', 'variant']);
    expect(perVariant).toContainEqual(
      expect.objectContaining({ flag: 'evaluations', variant: 'off', Requests: 1 }),
    );
    expect(perVariant).toContainEqual(
      expect.objectContaining({ flag: 'evaluations', variant: 'off', ServerErrors: 0 }),
    );
    expect(perVariant).toContainEqual(expect.objectContaining({ flag: 'model-consultant', variant: 'on' }));
    const flagsSeen = new Set(perVariant.map((r) => r.flag));
    expect(flagsSeen.size).toBe(7);
    expect(byDimensions(['flag', 'route', 'service', 'variant'])).toHaveLength(flagsSeen.size);
  });

  it('counts outcomes and server errors against the variants the request was served under', async () => {
    const metrics = new EmfMetrics();
    const records = await emfRecords(async () =>
      metrics.request({
        route: 'generate',
        status: 503,
        ms: 12,
        exposure: {
          flags: new Map([['target-lambda', 'on']]),
          outcomes: [
            { kind: 'Generation', good: false },
            { kind: 'Feedback', good: true },
          ],
        },
      }),
    );
    const lambda = records.filter((r) => r.flag === 'target-lambda' && r.variant === 'on' && !r.route);
    expect(Object.assign({}, ...lambda)).toMatchObject({
      Requests: 1,
      ServerErrors: 1,
      GenerationFailed: 1,
      FeedbackUp: 1,
      Latency: 12,
    });
  });
});
