import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lambdas/core/errors.ts';
import { estimateCost } from '../../lambdas/cost/advise.ts';
import { parseCostInput } from '../../lambdas/cost/estimate.ts';
import { loadPriceList, PriceList } from '../../lambdas/cost/pricing.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { ModelRegistry } from '../../lambdas/models/registry.ts';
import { workloadCost } from '../../lambdas/models/workload.ts';
import { makeModel } from '../fixtures.ts';

// Prices are the registry's facts (registry-data/pricing.json); the models are fixtures with round
// prices so the arithmetic in each test is easy to check by hand.
const prices = loadPriceList();
const models = new ModelRegistry([
  makeModel({
    id: 'test.model-v1:0',
    tier: 'large',
    pricing: { inputPerMTok: 1, outputPerMTok: 5, basis: 'test' },
  }),
  makeModel({
    id: 'test.same-class-v1:0',
    name: 'Same Class',
    tier: 'large',
    pricing: { inputPerMTok: 0.5, outputPerMTok: 2, basis: 'test' },
  }),
  makeModel({
    id: 'test.small-v1:0',
    name: 'Small',
    tier: 'small',
    pricing: { inputPerMTok: 0.1, outputPerMTok: 0.4, basis: 'test' },
  }),
  makeModel({
    id: 'test.cached-v1:0',
    tier: 'large',
    capabilities: ['tool-use', 'streaming', 'prompt-caching', 'batch'],
    pricing: {
      inputPerMTok: 3,
      outputPerMTok: 15,
      cacheReadPerMTok: 0.3,
      batchInputPerMTok: 1.5,
      batchOutputPerMTok: 7.5,
      basis: 'test',
    },
  }),
]);
const ctx = { models, prices };
const base = {
  model: 'test.model-v1:0',
  usage: { requestsPerMonth: 1_000_000, avgInputTokens: 1_000, avgOutputTokens: 300, avgDurationSeconds: 3 },
};
const item = (estimate: ReturnType<typeof estimateCost>, priceId: string) => {
  const found = estimate.lineItems.find((i) => i.priceId === priceId);
  if (!found) throw new Error(`no line item ${priceId}`);
  return found;
};
/** Sum in micro-dollars, the estimate's own unit, so the comparison is exact. */
const micro = (usd: number) => Math.round(usd * 1e6);

describe('registry-data/pricing.json', () => {
  it('parses, and every price and allowance names its source and date', () => {
    expect(prices.data.prices.length).toBeGreaterThan(20);
    for (const p of [...prices.data.prices, ...prices.data.freeTier]) {
      expect(p.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
      expect(p.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('rejects a price without a source, and an allowance for an unknown price', () => {
    const bad = structuredClone(prices.data) as {
      prices: Record<string, unknown>[];
      freeTier: { priceIds: string[] }[];
    };
    delete bad.prices[0]?.source;
    expect(() => PriceList.fromData(bad)).toThrow(ValidationError);
    const dangling = structuredClone(prices.data);
    dangling.freeTier[0]?.priceIds.push('nope');
    expect(() => PriceList.fromData(dangling)).toThrow(/unknown price nope/);
  });
});

describe('estimateCost: model tokens', () => {
  it('prices input and output tokens from the model registry', () => {
    const estimate = estimateCost({ ...base, deployment: { target: 'lambda' } }, ctx);
    // 1,000,000 requests × 1,000 input tokens = 1e9 tokens × $1 / 1M = $1,000
    expect(item(estimate, 'model:test.model-v1:0:input').costUsd).toBe(1000);
    // 1,000,000 × 300 = 3e8 output tokens × $5 / 1M = $1,500
    expect(item(estimate, 'model:test.model-v1:0:output').costUsd).toBe(1500);
    expect(estimate.monthly.model).toBe(2500);
  });

  it('computes the model line items with the workload cost that ranks models, and names where the prices were read', () => {
    const model = makeModel({
      id: 'test.sourced-v1:0',
      pricing: { inputPerMTok: 0.15, outputPerMTok: 0.6, basis: 'us-east-1 on-demand' },
      facts: { pricing: { source: 'https://example.com/price-map.json', asOf: '2026-12-04' } },
    });
    const estimate = estimateCost(
      { ...base, model: model.id, deployment: { target: 'lambda' } },
      { models: new ModelRegistry([model]), prices },
    );
    expect(micro(estimate.monthly.model)).toBe(Number(workloadCost(model, base.usage).total));
    expect(estimate.assumptions).toContain(
      'Model prices: us-east-1 on-demand (https://example.com/price-map.json, as of 2026-12-04).',
    );
  });
});

describe('estimateCost: compute per target', () => {
  it('Lambda on Arm, free tier on: 1M requests free, 400,000 GB-s free', () => {
    const estimate = estimateCost(
      { ...base, deployment: { target: 'lambda', architecture: 'arm64', memoryMb: 1024 } },
      ctx,
    );
    // requests: 1,000,000 - 1,000,000 free = 0 → $0 (saves 1M × $0.20/1M = $0.20)
    expect(item(estimate, 'lambda.requests')).toMatchObject({
      costUsd: 0,
      freeTierUnits: 1_000_000,
      freeTierSavingsUsd: 0.2,
    });
    // duration: 1M × 3 s × 1 GB = 3,000,000 GB-s - 400,000 free = 2,600,000 × $0.0000133334 = $34.66684
    expect(item(estimate, 'lambda.duration.arm64')).toMatchObject({
      quantity: 3_000_000,
      costUsd: 34.66684,
      freeTierUnits: 400_000,
    });
    // saved: 400,000 × $0.0000133334 = $5.33336, plus $0.20 of requests
    expect(estimate.freeTierSavings).toBe(5.53336);
    expect(estimate.monthly.compute).toBe(34.66684);
  });

  it('Lambda on x86_64, free tier off', () => {
    const estimate = estimateCost(
      {
        ...base,
        usage: { ...base.usage, avgDurationSeconds: 2 },
        deployment: { target: 'lambda', architecture: 'x86_64', memoryMb: 512 },
        freeTier: false,
      },
      ctx,
    );
    // requests: 1,000,000 × $0.20 / 1M = $0.20
    expect(item(estimate, 'lambda.requests').costUsd).toBe(0.2);
    // duration: 1M × 2 s × 0.5 GB = 1,000,000 GB-s × $0.0000166667 = $16.6667
    expect(item(estimate, 'lambda.duration.x86_64').costUsd).toBe(16.6667);
    expect(estimate.freeTierSavings).toBe(0);
  });

  it('ECS Fargate on ARM and x86: tasks × size × hours', () => {
    const arm = estimateCost(
      {
        ...base,
        deployment: {
          target: 'ecs-fargate',
          architecture: 'arm64',
          tasks: 2,
          vcpu: 1,
          memoryGb: 2,
          hoursPerMonth: 730,
        },
      },
      ctx,
    );
    // vCPU: 2 × 1 × 730 = 1,460 vCPU-h × $0.03238 = $47.2748; memory: 2 × 2 × 730 = 2,920 GB-h × $0.00356 = $10.3952
    expect(item(arm, 'fargate.vcpu.arm64').costUsd).toBe(47.2748);
    expect(item(arm, 'fargate.memory.arm64').costUsd).toBe(10.3952);
    const x86 = estimateCost(
      {
        ...base,
        deployment: { target: 'ecs-fargate', architecture: 'x86_64', tasks: 2, vcpu: 1, memoryGb: 2 },
      },
      ctx,
    );
    // 1,460 × $0.04048 = $59.1008; 2,920 × $0.004445 = $12.9794
    expect(item(x86, 'fargate.vcpu.x86_64').costUsd).toBe(59.1008);
    expect(item(x86, 'fargate.memory.x86_64').costUsd).toBe(12.9794);
  });

  it('ECS Fargate defaults its size from memoryMb and states it', () => {
    const estimate = estimateCost({ ...base, deployment: { target: 'ecs-fargate', memoryMb: 1024 } }, ctx);
    // 1,024 MB → 0.25 vCPU, 1 GB; 1 task × 730 h: 182.5 vCPU-h × $0.03238 = $5.90935; 730 GB-h × $0.00356 = $2.5988
    expect(item(estimate, 'fargate.vcpu.arm64').costUsd).toBe(5.90935);
    expect(item(estimate, 'fargate.memory.arm64').costUsd).toBe(2.5988);
    expect(estimate.assumptions.join(' ')).toMatch(/Fargate task size: 0\.25 vCPU, 1 GB/);
  });

  it('AgentCore: active CPU and memory held, per second', () => {
    const estimate = estimateCost(
      {
        ...base,
        usage: { ...base.usage, requestsPerMonth: 100_000 },
        deployment: {
          target: 'agentcore',
          sessionSecondsPerRequest: 10,
          activeCpuSecondsPerRequest: 2,
          memoryGb: 2,
        },
      },
      ctx,
    );
    // CPU: 100,000 × 2 s = 200,000 vCPU-s / 3600 × $0.0895 = $4.972222… → $4.972222
    expect(item(estimate, 'agentcore.cpu').costUsd).toBe(4.972222);
    // memory: 100,000 × 10 s × 2 GB = 2,000,000 GB-s / 3600 × $0.00945 = $5.25
    expect(item(estimate, 'agentcore.memory').costUsd).toBe(5.25);
  });
});

describe('estimateCost: every other service', () => {
  const infrastructure = {
    apiGateway: { type: 'rest' as const },
    dynamodb: { writesPerRequest: 2, readUnitsPerRequest: 4, storageGb: 30 },
    s3: { storageGb: 10, putRequests: 10_000, getRequests: 100_000 },
    cloudwatchLogs: { ingestedGb: 4, storedGb: 20 },
    xray: { samplingRate: 0.5 },
    secretsManager: { secrets: 3, apiCalls: 50_000 },
    stepFunctions: { type: 'standard' as const, transitionsPerRequest: 5 },
    ecr: { storageGb: 2 },
    cloudfront: { dataOutGb: 2_000, httpsRequestsPerRequest: 20 },
  };
  const usage = { ...base.usage, requestsPerMonth: 1_000_000 };

  it('with the always-free allowances', () => {
    const e = estimateCost({ ...base, usage, deployment: { target: 'lambda' }, infrastructure }, ctx);
    // API Gateway REST: 1M × $3.50/1M = $3.50 (its allowance is first-12-months only)
    expect(item(e, 'apigateway.rest').costUsd).toBe(3.5);
    // DynamoDB: 2M WRU × $0.625/1M = $1.25; 4M RRU × $0.125/1M = $0.50; (30 - 25 free) GB × $0.25 = $1.25
    expect(item(e, 'dynamodb.write').costUsd).toBe(1.25);
    expect(item(e, 'dynamodb.read').costUsd).toBe(0.5);
    expect(item(e, 'dynamodb.storage').costUsd).toBe(1.25);
    // S3: 10 GB × $0.023 = $0.23; 10,000 PUT × $0.005/1,000 = $0.05; 100,000 GET × $0.0004/1,000 = $0.04
    expect([item(e, 's3.storage').costUsd, item(e, 's3.put').costUsd, item(e, 's3.get').costUsd]).toEqual([
      0.23, 0.05, 0.04,
    ]);
    // Logs: 5 GB free in all: ingestion (4 - 4) = $0, storage (20 - 1) × $0.03 = $0.57
    expect(item(e, 'logs.ingestion').costUsd).toBe(0);
    expect(item(e, 'logs.storage')).toMatchObject({ costUsd: 0.57, freeTierUnits: 1 });
    // X-Ray: 500,000 traces - 100,000 free = 400,000 × $5/1M = $2
    expect(item(e, 'xray.traces').costUsd).toBe(2);
    // Secrets Manager: 3 × $0.40 = $1.20; 50,000 calls × $0.05/10,000 = $0.25
    expect([item(e, 'secretsmanager.secret').costUsd, item(e, 'secretsmanager.api').costUsd]).toEqual([
      1.2, 0.25,
    ]);
    // Step Functions standard: 5M transitions - 4,000 free = 4,996,000 × $0.025/1,000 = $124.90
    expect(item(e, 'stepfunctions.standard').costUsd).toBe(124.9);
    // ECR: 2 GB × $0.10 = $0.20 (its allowance is first-12-months only)
    expect(item(e, 'ecr.storage').costUsd).toBe(0.2);
    // CloudFront: (2,000 - 1,024) GB × $0.085 = $82.96; 20M requests - 10M free = 10M × $0.01/10,000 = $10
    expect(item(e, 'cloudfront.dataOut').costUsd).toBe(82.96);
    expect(item(e, 'cloudfront.https').costUsd).toBe(10);
  });

  it('with the first-12-months allowances too', () => {
    const e = estimateCost(
      { ...base, usage, deployment: { target: 'lambda' }, infrastructure, freeTierNewAccount: true },
      ctx,
    );
    // API Gateway: 1M - 1M free = $0; S3: (10 - 5) GB × $0.023 = $0.115, PUT (10,000 - 2,000) × $0.005/1,000 = $0.04,
    // GET (100,000 - 20,000) × $0.0004/1,000 = $0.032; ECR: (2 - 0.5) GB × $0.10 = $0.15
    expect(item(e, 'apigateway.rest').costUsd).toBe(0);
    expect([item(e, 's3.storage').costUsd, item(e, 's3.put').costUsd, item(e, 's3.get').costUsd]).toEqual([
      0.115, 0.04, 0.032,
    ]);
    expect(item(e, 'ecr.storage').costUsd).toBe(0.15);
    expect(e.assumptions.join(' ')).toMatch(/Free Tier credits instead of the 12-month allowances/);
  });

  it('Step Functions Express: requests and duration in 64 MB, 100 ms steps', () => {
    const e = estimateCost(
      {
        ...base,
        usage,
        deployment: { target: 'lambda' },
        infrastructure: { stepFunctions: { type: 'express', durationMsPerRequest: 250, memoryMb: 100 } },
      },
      ctx,
    );
    // requests: 1M × $1/1M = $1; duration: 250 ms → 300 ms, 100 MB → 128 MB:
    // 1M × 0.3 s × 0.125 GB = 37,500 GB-s = 10.416667 GB-h × $0.06 = $0.625
    expect(item(e, 'stepfunctions.express.requests').costUsd).toBe(1);
    expect(item(e, 'stepfunctions.express.duration').costUsd).toBe(0.625);
  });

  it('totals equal the sum of the line items, exactly, and annual is 12 months', () => {
    const e = estimateCost({ ...base, usage, deployment: { target: 'ecs-fargate' }, infrastructure }, ctx);
    const sum = e.lineItems.reduce((s, i) => s + micro(i.costUsd), 0);
    expect(micro(e.monthly.total)).toBe(sum);
    expect(micro(e.monthly.model) + micro(e.monthly.compute) + micro(e.monthly.storageOther)).toBe(sum);
    expect(micro(e.annual)).toBe(sum * 12);
  });
});

describe('estimateCost: edge cases and bad input', () => {
  it('zero requests cost nothing but fixed capacity', () => {
    const lambda = estimateCost(
      { ...base, usage: { ...base.usage, requestsPerMonth: 0 }, deployment: { target: 'lambda' } },
      ctx,
    );
    expect(lambda.monthly.total).toBe(0);
    const fargate = estimateCost(
      { ...base, usage: { ...base.usage, requestsPerMonth: 0 }, deployment: { target: 'ecs-fargate' } },
      ctx,
    );
    expect(fargate.monthly.model).toBe(0);
    expect(fargate.monthly.compute).toBeGreaterThan(0);
  });

  it('stays exact at huge volume', () => {
    const e = estimateCost(
      {
        ...base,
        usage: { ...base.usage, requestsPerMonth: 1_000_000_000_000 },
        deployment: { target: 'lambda' },
        freeTier: false,
      },
      ctx,
    );
    // 1e12 × 1,000 tokens = 1e15 × $1/1M = $1,000,000,000
    expect(item(e, 'model:test.model-v1:0:input').costUsd).toBe(1_000_000_000);
    expect(micro(e.monthly.total)).toBe(e.lineItems.reduce((s, i) => s + micro(i.costUsd), 0));
  });

  it('prices only the model and compute when optional blocks are missing, and says so', () => {
    const e = estimateCost({ model: 'test.model-v1:0' }, ctx);
    expect(e.monthly.storageOther).toBe(0);
    expect(e.assumptions.join(' ')).toMatch(/No usage given: 10,000 requests\/month/);
    expect(e.assumptions.join(' ')).toMatch(/No infrastructure block/);
  });

  it('accepts a whole AgentSpec, ignoring the fields it does not need', () => {
    const e = estimateCost(
      parseCostInput({
        ...base,
        name: 'Agent',
        systemPrompt: 'hi',
        tools: ['calculator'],
        deployment: { target: 'lambda' },
      }),
      ctx,
    );
    expect(e.monthly.model).toBe(2500);
  });

  it('names the field of a negative volume, an unknown model and a misspelt block', () => {
    const problems = (input: unknown) => {
      try {
        estimateCost(parseCostInput(input), ctx);
      } catch (error) {
        return (error as ValidationError).errors.map((e) => e.path);
      }
      return [];
    };
    expect(problems({ ...base, usage: { ...base.usage, requestsPerMonth: -1 } })).toEqual([
      'usage.requestsPerMonth',
    ]);
    expect(problems({ ...base, model: 'nope' })).toEqual(['model']);
    expect(problems({ ...base, infrastructure: { dynamo: {} } })).toEqual(['infrastructure.dynamo']);
  });

  it('rejects a Fargate size AWS does not offer, naming the valid values', () => {
    expect(() =>
      estimateCost({ ...base, deployment: { target: 'ecs-fargate', vcpu: 1, memoryGb: 16 } }, ctx),
    ).toThrow(ValidationError);
    try {
      estimateCost({ ...base, deployment: { target: 'ecs-fargate', vcpu: 1, memoryGb: 16 } }, ctx);
    } catch (error) {
      expect((error as ValidationError).errors).toEqual([
        { path: 'deployment.memoryGb', message: 'with 1 vCPU, Fargate offers 2, 3, 4, 5, 6, 7, 8 GB' },
      ]);
    }
    expect(() =>
      estimateCost({ ...base, deployment: { target: 'ecs-fargate', vcpu: 3, memoryGb: 6 } }, ctx),
    ).toThrow(/does not offer 3 vCPU/);
  });
});

describe('optimisation advice', () => {
  it('ranks cheaper models, saying what each trades off', () => {
    const e = estimateCost({ ...base, tools: ['calculator'], deployment: { target: 'lambda' } }, ctx);
    const same = e.optimizations.find((o) => o.id === 'cheaper-model');
    // Same Class: 1e9 × $0.5/1M + 3e8 × $2/1M = $500 + $600 = $1,100 → saves $2,500 - $1,100 = $1,400
    expect(same).toMatchObject({ savingUsd: 1400, patch: { model: 'test.same-class-v1:0' } });
    // Small: $100 + $120 = $220 → saves $2,280
    expect(e.optimizations.find((o) => o.id === 'smaller-model')).toMatchObject({ savingUsd: 2280 });
    expect(e.optimizations.map((o) => o.savingUsd)).toEqual(
      [...e.optimizations.map((o) => o.savingUsd)].sort((a, b) => b - a),
    );
    for (const o of e.optimizations) expect(o.tradeoff.length).toBeGreaterThan(20);
  });

  it('suggests prompt caching and batch inference where the model has them', () => {
    const e = estimateCost({ ...base, model: 'test.cached-v1:0', deployment: { target: 'lambda' } }, ctx);
    // caching: half of 1e9 input tokens at $3 → $0.30 per 1M: 5e8 × ($3 - $0.30)/1M = $1,350
    expect(e.optimizations.find((o) => o.id === 'prompt-caching')?.savingUsd).toBe(1350);
    // batch: (1e9 × $1.50 + 3e8 × $7.50)/1M = $3,750 against $7,500 → $3,750
    expect(e.optimizations.find((o) => o.id === 'batch-inference')?.savingUsd).toBe(3750);
  });

  it('suggests ARM64 and Lambda memory right-sizing with their savings', () => {
    const e = estimateCost(
      { ...base, deployment: { target: 'lambda', architecture: 'x86_64', memoryMb: 2048 }, freeTier: false },
      ctx,
    );
    // x86 → arm: 1M × 3 s × 2 GB = 6M GB-s × ($0.0000166667 - $0.0000133334) = $19.9998
    expect(e.optimizations.find((o) => o.id === 'arm64')?.savingUsd).toBe(19.9998);
    // 2048 → 512 MB on x86: (6M - 1.5M) GB-s × $0.0000166667 = $75.00015
    expect(e.optimizations.find((o) => o.id === 'lambda-memory')?.savingUsd).toBe(75.00015);
  });

  it('compares Lambda, Fargate and AgentCore at this volume, with the crossover', () => {
    const e = estimateCost(
      { ...base, usage: { ...base.usage, requestsPerMonth: 10_000 }, deployment: { target: 'ecs-fargate' } },
      ctx,
    );
    const move = e.optimizations.find((o) => o.id === 'deployment-target');
    expect(move?.patch).toEqual({ deployment: { target: 'lambda' } });
    // Fargate 0.25 vCPU / 1 GB ARM all month: $5.90935 + $2.5988 = $8.50815; Lambda per request on Arm:
    // $0.20/1M + 3 GB-s × $0.0000133334 = $0.0000402002 → crossover 8.50815 / 0.0000402002 = 211,644.47 requests
    expect(move?.details?.lambdaFargateCrossoverRequestsPerMonth).toBe(211_644);
  });

  it('says which changes bring an estimate under its budget', () => {
    const e = estimateCost(
      { ...base, tools: ['calculator'], deployment: { target: 'lambda' }, budget: { monthlyUsd: 500 } },
      ctx,
    );
    expect(e.budget).toMatchObject({ monthlyUsd: 500, overBudget: true, toMeetBudget: ['smaller-model'] });
    const under = estimateCost(
      { ...base, deployment: { target: 'lambda' }, budget: { monthlyUsd: 10_000 } },
      ctx,
    );
    expect(under.budget).toMatchObject({ overBudget: false, toMeetBudget: [] });
  });

  it('works on the real registries', () => {
    const e = estimateCost(
      { model: 'anthropic.claude-sonnet-4-5-20250929-v1:0', tools: ['calculator'] },
      { models: loadModelRegistry(), prices },
    );
    expect(e.optimizations.length).toBeGreaterThan(0);
    expect(e.monthly.total).toBeGreaterThan(0);
  });
});
