import { z } from 'zod';
import { Infrastructure } from '../agent-spec/infrastructure.ts';
import { Deployment, DeploymentTarget, SpecPatch, Usage } from '../agent-spec/schema.ts';
import { ValidationError } from '../core/errors.ts';
import { type MicroUsd, priceCost, toUsd } from '../core/money.ts';
import { invalidInput } from '../core/zod-problems.ts';
import type { ModelRegistry } from '../models/registry.ts';
import { factProvenance, type ModelInfo } from '../models/schema.ts';
import { workloadCost } from '../models/workload.ts';
import type { Price, PriceList } from './pricing.ts';
import { defaultFargateSize, FARGATE_SIZES } from './schema.ts';

/**
 * What the estimate reads: an AgentSpec, or just these fields. Other AgentSpec fields (name, prompt, …)
 * are ignored; the blocks below are checked strictly so a typo is an error, not a silent zero.
 */
export const CostInput = z.object({
  model: z.string().min(1, 'choose a model id from the registry (models --json lists them)'),
  usage: Usage.optional(),
  deployment: Deployment.default(Deployment.parse({})),
  infrastructure: Infrastructure.optional(),
  freeTier: z.boolean().default(true),
  freeTierNewAccount: z.boolean().default(false),
  budget: z.object({ monthlyUsd: z.number().positive() }).strict().optional(),
  tools: z.array(z.string()).default([]),
});
export type CostInput = z.infer<typeof CostInput>;

export const CostCategory = z.enum(['model', 'compute', 'storageOther']);
export type CostCategory = z.infer<typeof CostCategory>;

export const LineItem = z.object({
  category: CostCategory,
  service: z.string(),
  what: z.string(),
  quantity: z.number(),
  unit: z.string(),
  /** `usd` per `per` units, as the price list states it. */
  unitPrice: z.object({ usd: z.number(), per: z.number(), unit: z.string() }),
  costUsd: z.number(),
  /** Units not charged thanks to the free tier, and what they would have cost. */
  freeTierUnits: z.number(),
  freeTierSavingsUsd: z.number(),
  priceId: z.string(),
});
export type LineItem = z.infer<typeof LineItem>;

export const Optimization = z.object({
  id: z.enum([
    'cheaper-model',
    'smaller-model',
    'prompt-caching',
    'batch-inference',
    'arm64',
    'lambda-memory',
    'deployment-target',
    'log-retention',
    'trace-sampling',
  ]),
  title: z.string(),
  /** Monthly saving in USD if applied. */
  savingUsd: z.number(),
  tradeoff: z.string(),
  /** The change to the spec that applies it, when it is a change of the spec (caching and batch are code). */
  patch: SpecPatch.optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type Optimization = z.infer<typeof Optimization>;

export const CostEstimate = z.object({
  currency: z.literal('USD'),
  region: z.string(),
  target: DeploymentTarget,
  monthly: z.object({ model: z.number(), compute: z.number(), storageOther: z.number(), total: z.number() }),
  annual: z.number(),
  lineItems: z.array(LineItem),
  freeTierSavings: z.number(),
  assumptions: z.array(z.string()),
  optimizations: z.array(Optimization),
  budget: z
    .object({
      monthlyUsd: z.number(),
      overBudget: z.boolean(),
      gapUsd: z.number(),
      toMeetBudget: z.array(z.string()),
      /**
       * Over budget: each single change that brings the total under it, named with the figure that
       * does (at most this many requests a month, answers of at most this many tokens, another model).
       */
      waysUnder: z.array(
        z.object({
          kind: z.enum(['fewer-requests', 'shorter-answers', 'cheaper-model']),
          text: z.string(),
          /** The workload figure, or the model id, that gets it under. */
          value: z.union([z.number(), z.string()]),
          monthlyUsd: z.number(),
        }),
      ),
    })
    .optional(),
});
export type CostEstimate = z.infer<typeof CostEstimate>;

/** What a computed estimate holds before it is turned into USD numbers. */
export interface RawEstimate {
  input: CostInput;
  model: ModelInfo;
  usage: z.infer<typeof Usage>;
  items: (Omit<LineItem, 'costUsd' | 'freeTierSavingsUsd'> & { cost: MicroUsd; saved: MicroUsd })[];
  assumptions: string[];
}

export const DEFAULT_USAGE = {
  requestsPerMonth: 10_000,
  avgInputTokens: 1_000,
  avgOutputTokens: 300,
  avgDurationSeconds: 3,
};

export interface CostContext {
  models: ModelRegistry;
  prices: PriceList;
}

/** Parses cost input, throwing a ValidationError that names every bad field. */
export function parseCostInput(input: unknown): CostInput {
  const parsed = CostInput.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error, 'the cost input');
  return parsed.data;
}

/** The line items of an estimate, in exact micro-dollars (no advice). Pure: the advice re-runs it. */
export function computeEstimate(input: CostInput, ctx: CostContext): RawEstimate {
  const model = ctx.models.find(input.model);
  if (!model) {
    throw new ValidationError(`unknown model id "${input.model}"`, [
      { path: 'model', message: `unknown model id "${input.model}"; list ids with: models --json` },
    ]);
  }
  const assumptions: string[] = [];
  const usage = input.usage ?? DEFAULT_USAGE;
  if (!input.usage) {
    assumptions.push(
      `No usage given: ${usage.requestsPerMonth.toLocaleString('en-US')} requests/month, ${usage.avgInputTokens} input and ${usage.avgOutputTokens} output tokens and ${usage.avgDurationSeconds} s each.`,
    );
  }
  const requests = usage.requestsPerMonth;
  const items: RawEstimate['items'] = [];
  const remaining = new Map(
    ctx.prices.data.freeTier
      .filter((a) => input.freeTier && (a.kind === 'always-free' || input.freeTierNewAccount))
      .map((a) => [a.id, a.quantity]),
  );
  /**
   * Charges `amount / divisor` units of a price. The divisor keeps the arithmetic exact for derived
   * quantities (vCPU-seconds / 3600 = vCPU-hours; MB-seconds / 1024 = GB-seconds).
   */
  const charge = (category: CostCategory, priceId: string, amount: number, divisor = 1, what?: string) => {
    const price: Price = ctx.prices.price(priceId);
    const allowance = ctx.prices.allowanceFor(priceId);
    const quantity = amount / divisor;
    const left = allowance ? (remaining.get(allowance.id) ?? 0) : 0;
    const free = Math.min(quantity, left);
    if (allowance && free > 0) remaining.set(allowance.id, left - free);
    const billable = quantity <= left ? 0 : amount - left * divisor;
    const full = priceCost(amount, price.usd, price.per * divisor);
    const cost = priceCost(billable, price.usd, price.per * divisor);
    items.push({
      category,
      service: price.service,
      what: what ?? price.what,
      quantity,
      unit: price.unit,
      unitPrice: { usd: price.usd, per: price.per, unit: price.unit },
      freeTierUnits: free,
      priceId,
      cost,
      saved: full - cost,
    });
  };

  // Model tokens: the same computation that ranks and compares models (models/workload.ts).
  const tokenBill = workloadCost(model, usage);
  for (const [side, tokens, usd, cost] of [
    ['input', tokenBill.inputTokens, model.pricing.inputPerMTok, tokenBill.input],
    ['output', tokenBill.outputTokens, model.pricing.outputPerMTok, tokenBill.output],
  ] as const) {
    items.push({
      category: 'model',
      service:
        model.provider === 'bedrock'
          ? 'Amazon Bedrock'
          : model.provider === 'ollama'
            ? 'Ollama (local)'
            : model.provider === 'openai'
              ? 'OpenAI'
              : 'Anthropic',
      what: `${model.name} ${side} tokens`,
      quantity: Number(tokens),
      unit: 'token',
      unitPrice: { usd, per: 1_000_000, unit: 'token' },
      freeTierUnits: 0,
      priceId: `model:${model.id}:${side}`,
      cost,
      saved: 0n,
    });
  }
  const priced = factProvenance(model, 'pricing');
  assumptions.push(`Model prices: ${model.pricing.basis} (${priced.source}, as of ${priced.asOf}).`);

  // Compute.
  const d = input.deployment;
  const arch = d.architecture;
  if (d.target === 'lambda') {
    charge('compute', 'lambda.requests', requests);
    charge(
      'compute',
      `lambda.duration.${arch}`,
      requests * usage.avgDurationSeconds * d.memoryMb,
      1024,
      `compute: ${d.memoryMb} MB × ${usage.avgDurationSeconds} s per request`,
    );
    if (!input.usage?.avgDurationSeconds)
      assumptions.push(`Lambda duration: ${usage.avgDurationSeconds} s per request.`);
  } else if (d.target === 'ecs-fargate') {
    const size = defaultFargateSize(d.memoryMb);
    const vcpu = d.vcpu ?? size.vcpu;
    const memoryGb =
      d.memoryGb ??
      (d.vcpu === undefined
        ? size.memoryGb
        : (FARGATE_SIZES.find(([v]) => v === vcpu)?.[1][0] ?? size.memoryGb));
    checkFargateSize(vcpu, memoryGb);
    const tasks = d.tasks ?? 1;
    const hours = d.hoursPerMonth ?? 730;
    if (d.tasks === undefined) assumptions.push('Fargate: 1 task.');
    if (d.hoursPerMonth === undefined) assumptions.push('Fargate: tasks run all month (730 hours).');
    if (d.vcpu === undefined || d.memoryGb === undefined)
      assumptions.push(`Fargate task size: ${vcpu} vCPU, ${memoryGb} GB.`);
    charge(
      'compute',
      `fargate.vcpu.${arch}`,
      tasks * vcpu * hours,
      1,
      `vCPU: ${tasks} task(s) × ${vcpu} vCPU × ${hours} h`,
    );
    charge(
      'compute',
      `fargate.memory.${arch}`,
      tasks * memoryGb * hours,
      1,
      `memory: ${tasks} task(s) × ${memoryGb} GB × ${hours} h`,
    );
  } else {
    const session = d.sessionSecondsPerRequest ?? usage.avgDurationSeconds;
    const active = d.activeCpuSecondsPerRequest ?? session;
    const memoryGb = d.memoryGb ?? d.memoryMb / 1024;
    if (d.sessionSecondsPerRequest === undefined)
      assumptions.push(`AgentCore: each request holds its session ${session} s (the average duration).`);
    if (d.activeCpuSecondsPerRequest === undefined) {
      assumptions.push(
        'AgentCore: CPU counted as active for the whole session (an upper bound: time waiting on the model is not billed).',
      );
    }
    if (d.memoryGb === undefined)
      assumptions.push(`AgentCore: ${memoryGb} GB of memory per session, 1 vCPU while active.`);
    charge(
      'compute',
      'agentcore.cpu',
      requests * active,
      3600,
      `active CPU: ${active} s × 1 vCPU per request`,
    );
    charge(
      'compute',
      'agentcore.memory',
      requests * session * memoryGb,
      3600,
      `memory: ${memoryGb} GB × ${session} s per request`,
    );
  }

  // Everything else.
  const infra = input.infrastructure ?? {};
  if (infra.apiGateway) charge('storageOther', `apigateway.${infra.apiGateway.type}`, requests);
  if (infra.dynamodb) {
    charge('storageOther', 'dynamodb.write', requests * infra.dynamodb.writesPerRequest);
    charge('storageOther', 'dynamodb.read', requests * infra.dynamodb.readUnitsPerRequest);
    charge('storageOther', 'dynamodb.storage', infra.dynamodb.storageGb);
  }
  if (infra.s3) {
    charge('storageOther', 's3.storage', infra.s3.storageGb);
    charge('storageOther', 's3.put', infra.s3.putRequests);
    charge('storageOther', 's3.get', infra.s3.getRequests);
  }
  if (infra.cloudwatchLogs) {
    charge('storageOther', 'logs.ingestion', infra.cloudwatchLogs.ingestedGb);
    charge('storageOther', 'logs.storage', infra.cloudwatchLogs.storedGb);
  }
  if (infra.xray) {
    charge(
      'storageOther',
      'xray.traces',
      Math.round(requests * infra.xray.samplingRate),
      1,
      `traces recorded (${infra.xray.samplingRate * 100}% sampled)`,
    );
  }
  if (infra.secretsManager) {
    charge('storageOther', 'secretsmanager.secret', infra.secretsManager.secrets);
    charge('storageOther', 'secretsmanager.api', infra.secretsManager.apiCalls);
  }
  if (infra.stepFunctions) {
    const sfn = infra.stepFunctions;
    if (sfn.type === 'standard')
      charge('storageOther', 'stepfunctions.standard', requests * sfn.transitionsPerRequest);
    else {
      charge('storageOther', 'stepfunctions.express.requests', requests);
      const billedMb = Math.ceil(sfn.memoryMb / 64) * 64;
      const billedMs = Math.ceil(sfn.durationMsPerRequest / 100) * 100;
      charge(
        'storageOther',
        'stepfunctions.express.duration',
        requests * billedMs * billedMb,
        3_600_000 * 1024,
        `duration: ${billedMs} ms × ${billedMb} MB per request`,
      );
    }
  }
  if (infra.ecr) charge('storageOther', 'ecr.storage', infra.ecr.storageGb);
  if (infra.cloudfront) {
    charge('storageOther', 'cloudfront.dataOut', infra.cloudfront.dataOutGb);
    charge('storageOther', 'cloudfront.https', requests * infra.cloudfront.httpsRequestsPerRequest);
  }
  if (!input.infrastructure)
    assumptions.push(
      'No infrastructure block: only the model and compute are priced (add API Gateway, DynamoDB, S3, logs… under infrastructure).',
    );
  if (!input.freeTier) assumptions.push('Free tier not applied.');
  else if (input.freeTierNewAccount)
    assumptions.push(
      `Free tier: always-free and first-12-months allowances. ${ctx.prices.data.freeTierNote}`,
    );
  else
    assumptions.push(
      'Free tier: always-free allowances only (set freeTierNewAccount for the first-12-months ones).',
    );
  assumptions.push(`AWS prices: ${ctx.prices.data.region} list prices in USD (registry-data/pricing.json).`);
  return { input, model, usage, items, assumptions };
}

function checkFargateSize(vcpu: number, memoryGb: number): void {
  const row = FARGATE_SIZES.find(([v]) => v === vcpu);
  if (!row) {
    throw new ValidationError(`Fargate does not offer ${vcpu} vCPU`, [
      { path: 'deployment.vcpu', message: `Fargate offers ${FARGATE_SIZES.map(([v]) => v).join(', ')} vCPU` },
    ]);
  }
  if (!row[1].includes(memoryGb)) {
    throw new ValidationError(`Fargate does not offer ${memoryGb} GB with ${vcpu} vCPU`, [
      { path: 'deployment.memoryGb', message: `with ${vcpu} vCPU, Fargate offers ${row[1].join(', ')} GB` },
    ]);
  }
}

export const sumBy = (items: RawEstimate['items'], category?: CostCategory): MicroUsd =>
  items.filter((i) => !category || i.category === category).reduce((total, i) => total + i.cost, 0n);

/** Turns a raw estimate into its USD output shape (without advice). */
export function present(raw: RawEstimate): Omit<CostEstimate, 'optimizations' | 'budget'> {
  const total = sumBy(raw.items);
  return {
    currency: 'USD',
    region: raw.input.deployment.region,
    target: raw.input.deployment.target,
    monthly: {
      model: toUsd(sumBy(raw.items, 'model')),
      compute: toUsd(sumBy(raw.items, 'compute')),
      storageOther: toUsd(sumBy(raw.items, 'storageOther')),
      total: toUsd(total),
    },
    annual: toUsd(total * 12n),
    lineItems: raw.items.map(({ cost, saved, ...item }) => ({
      ...item,
      costUsd: toUsd(cost),
      freeTierSavingsUsd: toUsd(saved),
    })),
    freeTierSavings: toUsd(raw.items.reduce((s, i) => s + i.saved, 0n)),
    assumptions: raw.assumptions,
  };
}
