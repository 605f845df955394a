import { z } from 'zod';
import { AwsRegion } from '../core/aws-region.ts';
import { formatUsd, type MicroUsd, toUsd } from '../core/money.ts';
import { parseOrThrow } from '../core/zod-problems.ts';
import { availableInRegion, type ModelRegistry } from './registry.ts';
import { Capability, ModelInfo, Provider, Strength, type Tier } from './schema.ts';
import { DEFAULT_WORKLOAD, describeWorkload, Workload, workloadCost } from './workload.ts';

export const ModelNeed = z
  .object({
    /** What the agent is for, in the builder's words. */
    useCase: z.string().trim().min(1, 'describe the use case').max(4000),
    /** Monthly budget for model tokens, USD. Models over it are left out. */
    budgetUsd: z.number().positive().optional(),
    requiredCapabilities: z.array(Capability).default([]),
    workload: Workload.optional(),
    /** Only this provider. Without it every provider is ranked, Bedrock first. */
    provider: Provider.optional(),
    region: AwsRegion.optional(),
    limit: z.number().int().min(1).max(50).default(5),
  })
  .strict();
export type ModelNeed = z.input<typeof ModelNeed>;

export const Recommendation = z.object({
  model: ModelInfo,
  /** 0–100: fit to the use case (50), capability tier (25), cost (25). */
  score: z.number().min(0).max(100),
  /** Plain-language reasons, most important first. */
  reasons: z.array(z.string()),
  monthlyCostUsd: z.number().nonnegative(),
});
export type Recommendation = z.infer<typeof Recommendation>;

export const RecommendationResult = z.object({
  recommendations: z.array(Recommendation),
  /** What the ranking read from the use case. */
  interpreted: z.object({ strengths: z.array(Strength), requiredCapabilities: z.array(Capability) }),
  /** Every default the ranking used, stated. */
  assumptions: z.array(z.string()),
  /** Why fewer models than asked for came back, when they did. */
  notes: z.array(z.string()),
});
export type RecommendationResult = z.infer<typeof RecommendationResult>;

interface Hint {
  pattern: RegExp;
  strengths: Strength[];
  requires?: Capability[];
}

/** Words in a use case and what they ask of a model. Order does not matter; every match counts. */
const HINTS: Hint[] = [
  {
    pattern: /\b(code|coding|program\w*|developer|debug\w*|refactor\w*|sql|pull requests?)\b/i,
    strengths: ['coding'],
  },
  {
    pattern: /\b(images?|photos?|pictures?|screenshots?|scans?|diagrams?|charts?|visual|ocr|receipts?)\b/i,
    strengths: ['vision'],
    requires: ['vision'],
  },
  {
    pattern: /\b(reason\w*|math\w*|analy[sz]\w*|planning|logic|complex|research\w*|legal)\b/i,
    strengths: ['reasoning'],
  },
  {
    pattern:
      /\b(long documents?|contracts?|books?|reports?|transcripts?|pdfs?|large files?|entire codebase)\b/i,
    strengths: ['long-context', 'summarization'],
  },
  { pattern: /\b(summar\w*|digest|tl;?dr|condense)\b/i, strengths: ['summarization'] },
  {
    pattern: /\b(classif\w*|categori\w*|triage|rout(e|ing)|tag(ging)?|label\w*|moderat\w*|sentiment)\b/i,
    strengths: ['classification'],
  },
  {
    pattern: /\b(extract\w*|pars(e|ing)|forms?|invoices?|entities|structured data)\b/i,
    strengths: ['extraction'],
  },
  {
    pattern: /\b(chat\w*|support|customers?|assistant|help ?desk|faq|conversation\w*|concierge)\b/i,
    strengths: ['chat'],
  },
  {
    pattern: /\b(search\w*|retriev\w*|knowledge base|rag|documentation|docs|wiki|q&a)\b/i,
    strengths: ['rag'],
  },
  {
    pattern: /\b(translat\w*|multilingual|languages|spanish|french|german|japanese|chinese|portuguese)\b/i,
    strengths: ['multilingual'],
  },
  {
    pattern: /\b(writ(e|ing)|draft\w*|blogs?|emails?|copy|content|marketing|replies)\b/i,
    strengths: ['writing'],
  },
  {
    pattern: /\b(agents?|agentic|tools?|apis?|automat\w*|workflows?|orchestrat\w*|actions?|book(ing)?)\b/i,
    strengths: ['agents'],
    requires: ['tool-use'],
  },
  { pattern: /\b(real[- ]?time|fast|latency|instant|voice|interactive)\b/i, strengths: ['low-latency'] },
  {
    pattern: /\b(cheap\w*|low[- ]cost|inexpensive|high[- ]volume|millions?|at scale)\b/i,
    strengths: ['low-cost'],
  },
];

const TIER_POINTS: Record<Tier, number> = { small: 8, medium: 15, large: 21, frontier: 25 };

const STRENGTH_WORDS: Record<Strength, string> = {
  agents: 'agents and tool use',
  coding: 'coding',
  reasoning: 'reasoning',
  chat: 'conversation',
  summarization: 'summarisation',
  extraction: 'extraction',
  classification: 'classification',
  rag: 'retrieval (RAG)',
  'long-context': 'long documents',
  multilingual: 'multiple languages',
  vision: 'images',
  writing: 'writing',
  'low-latency': 'fast responses',
  'low-cost': 'low cost',
};

/** Reads a use case description into the strengths and capabilities it asks for. */
export function interpretUseCase(useCase: string): { strengths: Strength[]; requires: Capability[] } {
  const strengths = new Set<Strength>();
  const requires = new Set<Capability>();
  for (const hint of HINTS) {
    if (!hint.pattern.test(useCase)) continue;
    for (const s of hint.strengths) strengths.add(s);
    for (const c of hint.requires ?? []) requires.add(c);
  }
  return { strengths: [...strengths], requires: [...requires] };
}

/**
 * Ranks models for a described need. Hard constraints (provider, region, required capabilities,
 * budget) filter; the score orders what is left. Without an explicit provider, Bedrock models come
 * first, then the others, each group by score.
 */
export function recommendModels(registry: ModelRegistry, input: ModelNeed): RecommendationResult {
  const need = parseOrThrow(ModelNeed, input, 'the model need');
  const interpreted = interpretUseCase(need.useCase);
  const required = [...new Set([...need.requiredCapabilities, ...interpreted.requires])];
  const assumptions: string[] = [];
  const notes: string[] = [];
  const workload = need.workload ?? DEFAULT_WORKLOAD;
  if (!need.workload) assumptions.push(`No volume given; costs assume ${describeWorkload(workload)}.`);
  else assumptions.push(`Costs are for ${describeWorkload(workload)}, on-demand list prices.`);
  if (interpreted.strengths.length === 0) {
    assumptions.push('The use case named no specific task; models are ranked by capability and cost.');
  }
  if (!need.provider)
    assumptions.push('Amazon Bedrock models are listed first; ask for a provider to change that.');

  const candidates = registry
    .all()
    .filter((m) => (need.provider ? m.provider === need.provider : true))
    .filter((m) => required.every((c) => m.capabilities.includes(c)))
    .filter((m) => (need.region ? availableInRegion(m, need.region) : true));
  if (candidates.length === 0) {
    notes.push(
      `No model${need.provider ? ` from ${need.provider}` : ''} has all of: ${required.join(', ') || '(nothing)'}${need.region ? ` in ${need.region}` : ''}.`,
    );
    return {
      recommendations: [],
      interpreted: { strengths: interpreted.strengths, requiredCapabilities: required },
      assumptions,
      notes,
    };
  }

  const costs = new Map(candidates.map((m) => [m.id, workloadCost(m, workload).total]));
  const budget = need.budgetUsd === undefined ? undefined : BigInt(Math.round(need.budgetUsd * 1e6));
  const affordable =
    budget === undefined ? candidates : candidates.filter((m) => (costs.get(m.id) ?? 0n) <= budget);
  if (affordable.length === 0) {
    const cheapest = candidates.reduce((a, b) =>
      (costs.get(a.id) ?? 0n) <= (costs.get(b.id) ?? 0n) ? a : b,
    );
    notes.push(
      `No matching model fits ${formatUsd(budget ?? 0n)}/month; the cheapest is ${cheapest.name} at ${formatUsd(costs.get(cheapest.id) ?? 0n)}/month.`,
    );
  }

  const costScores = relativeCostScores(affordable.map((m) => costs.get(m.id) ?? 0n));
  const ranked = affordable.map((model, index) => {
    const cost = costs.get(model.id) ?? 0n;
    const matched = interpreted.strengths.filter((s) => model.strengths.includes(s));
    const fit =
      interpreted.strengths.length === 0
        ? 25
        : Math.round((50 * matched.length) / interpreted.strengths.length);
    const score = Math.min(100, fit + TIER_POINTS[model.tier] + (costScores[index] ?? 0));
    return { model, score, matched, cost };
  });
  ranked.sort(
    (a, b) =>
      (need.provider ? 0 : Number(b.model.provider === 'bedrock') - Number(a.model.provider === 'bedrock')) ||
      b.score - a.score ||
      (a.cost < b.cost ? -1 : a.cost > b.cost ? 1 : 0) ||
      a.model.id.localeCompare(b.model.id),
  );
  // Reasons are prose; write them only for the models returned.
  const recommendations = ranked.slice(0, need.limit).map(({ model, score, matched, cost }) => ({
    model,
    score,
    reasons: reasonsFor(model, matched, required, cost, workload, need.budgetUsd),
    monthlyCostUsd: toUsd(cost),
  }));
  return {
    recommendations,
    interpreted: { strengths: interpreted.strengths, requiredCapabilities: required },
    assumptions,
    notes,
  };
}

/** 0–25 points, cheapest gets 25, on a log scale so a 10× price difference matters more than 10%. */
function relativeCostScores(costs: MicroUsd[]): number[] {
  // Free (local) models would pin the scale at zero; they get full points and the rest spread between
  // the cheapest and the dearest paid model.
  const paid = costs.filter((c) => c > 0n).map((c) => Math.log10(Number(c)));
  const min = Math.min(...paid);
  const max = Math.max(...paid);
  return costs.map((c) => {
    if (c === 0n || max === min) return 25;
    return Math.round(25 * (1 - (Math.log10(Number(c)) - min) / (max - min)));
  });
}

function reasonsFor(
  model: ModelInfo,
  matched: Strength[],
  required: Capability[],
  cost: MicroUsd,
  workload: Workload,
  budgetUsd: number | undefined,
): string[] {
  const reasons: string[] = [];
  if (matched.length > 0) reasons.push(`Good at ${matched.map((s) => STRENGTH_WORDS[s]).join(', ')}.`);
  if (required.length > 0) reasons.push(`Supports ${required.join(', ')}.`);
  const budgetNote =
    budgetUsd === undefined ? '' : `, within the $${budgetUsd.toLocaleString('en-US')} budget`;
  reasons.push(
    `About ${formatUsd(cost)}/month for ${workload.requestsPerMonth.toLocaleString('en-US')} requests${budgetNote}.`,
  );
  reasons.push(`${(model.contextWindow / 1000).toLocaleString('en-US')}K-token context, ${model.tier} tier.`);
  if (model.provider === 'bedrock') {
    reasons.push(
      'On Amazon Bedrock: IAM-controlled, no third-party API key, data stays in your AWS account.',
    );
  } else if (model.provider === 'ollama') {
    reasons.push('Runs locally with Ollama: free, private, for development and offline use.');
  }
  return reasons;
}
