import { z } from 'zod';
import { AwsRegion } from '../core/aws-region.ts';
import { formatUsd, type MicroUsd, toUsd } from '../core/money.ts';
import { parseOrThrow } from '../core/zod-problems.ts';
import { availableInRegion, type ModelRegistry } from './registry.ts';
import { Capability, LifecycleStatus, ModelInfo, Provider, Strength, type Tier } from './schema.ts';
import { DEFAULT_WORKLOAD, describeWorkload, Workload, workloadCost } from './workload.ts';

export const ModelNeed = z
  .object({
    /** What the agent is for, in the builder's words. */
    useCase: z.string().trim().min(1, 'describe the use case').max(4000),
    /** Monthly budget for model tokens, USD. Models over it are marked and ranked after those within it. */
    budgetUsd: z.number().positive().optional(),
    requiredCapabilities: z.array(Capability).default([]),
    /** The tools chosen for the agent (tools registry ids); any tool means the model must use tools. */
    tools: z.array(z.string().min(1)).max(100).default([]),
    /** The agent's own volume and token sizes; the cost estimate prices the same workload. */
    workload: Workload.optional(),
    /** Only this provider. Without it every provider is ranked, Bedrock first. */
    provider: Provider.optional(),
    region: AwsRegion.optional(),
    limit: z.number().int().min(1).max(50).default(5),
  })
  .strict();
export type ModelNeed = z.input<typeof ModelNeed>;

/** What a use case can ask of a model beyond its listed capabilities. */
export const Need = z.enum([...Capability.options, 'long-context', 'low-latency']);
export type Need = z.infer<typeof Need>;

/** One requirement read from the use case, the chosen tools or the caller, with what asked for it. */
export const InterpretedNeed = z.object({
  need: Need,
  /** The words of the use case (or the tools) that ask for it, e.g. "scanned invoices". */
  because: z.string(),
});
export type InterpretedNeed = z.infer<typeof InterpretedNeed>;

export const Recommendation = z.object({
  model: ModelInfo,
  /** 0–100: fit to the use case (40), cost for the workload (35), capability tier (25); legacy −15. */
  score: z.number().min(0).max(100),
  /** Plain-language reasons specific to this use case and this model, most important first. */
  reasons: z.array(z.string()),
  monthlyCostUsd: z.number().nonnegative(),
  /** With a budget: whether the monthly cost is within it. Over-budget models are shown, ranked after. */
  withinBudget: z.boolean().optional(),
  lifecycle: LifecycleStatus,
});
export type Recommendation = z.infer<typeof Recommendation>;

export const RecommendationResult = z.object({
  recommendations: z.array(Recommendation),
  /** What the ranking read from the use case and the tools. */
  interpreted: z.object({
    strengths: z.array(Strength),
    /** Capabilities every recommended model has. */
    requiredCapabilities: z.array(Capability),
    /** Every requirement (capabilities, long context, low latency) with the words that asked for it. */
    needs: z.array(InterpretedNeed),
  }),
  /** Every default the ranking used, stated. */
  assumptions: z.array(z.string()),
  /** Why fewer models than asked for came back, or what was set aside, when that happened. */
  notes: z.array(z.string()),
});
export type RecommendationResult = z.infer<typeof RecommendationResult>;

interface Hint {
  pattern: RegExp;
  strengths: Strength[];
  requires?: Need[];
}

/** Words in a use case and what they ask of a model. Order does not matter; every match counts. */
const HINTS: Hint[] = [
  {
    pattern: /\b(code|coding|program\w*|developer|debug\w*|refactor\w*|sql|pull requests?)\b/i,
    strengths: ['coding'],
  },
  {
    pattern:
      /\b(scann?\w* (documents?|invoices?|receipts?|forms?|pages?|pdfs?|contracts?|letters?)|images?|photos?|pictures?|screenshots?|scans?|diagrams?|charts?|visual\w*|ocr|receipts?|handwrit\w*)\b/i,
    strengths: ['vision'],
    requires: ['vision'],
  },
  {
    pattern:
      /\b(reason\w*|maths?|mathemat\w*|calculat\w*|arithmetic|equations?|quotes?|analy[sz]\w*|planning|plan(?:s|ned)? (?:the |a |an |our )?(?:[\w-]+ )?(?:routes?|trips?|itinerar\w*|schedules?|projects?|tasks?|steps?|work|shifts?|multi-step)|schedul\w*|logic|multi-step|research\w*|forecast\w*)\b/i,
    strengths: ['reasoning'],
    requires: ['reasoning'],
  },
  {
    pattern:
      /\b(?:[\w-]+ ){0,2}(long documents?|contracts?|books?|handbooks?|manuals?|reports?|transcripts?|pdfs?|large files?|entire codebase)\b/i,
    strengths: ['long-context', 'summarization'],
    requires: ['long-context'],
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
    pattern: /\b(support|customers?|assistant|help ?desk|faq|employees?|questions?|concierge)\b/i,
    strengths: ['chat'],
  },
  {
    pattern: /\b(chat\w*|conversation\w*|voice|phone|calls?|real[- ]?time|live|instant|latency|fast)\b/i,
    strengths: ['chat', 'low-latency'],
    requires: ['low-latency'],
  },
  {
    pattern:
      /\b(search\w*|retriev\w*|knowledge base|rag|documentation|docs|wiki|q&a|handbooks?|polic(y|ies))\b/i,
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
    pattern:
      /\b(agents?|agentic|tools?|apis?|automat\w*|workflows?|orchestrat\w*|actions?|book(ing)?|look(s|ing)? up)\b/i,
    strengths: ['agents'],
    requires: ['tool-use'],
  },
  {
    pattern: /\b(cheap\w*|low[- ]cost|inexpensive|high[- ]volume|millions?|at scale)\b/i,
    strengths: ['low-cost'],
  },
];

/** A context window that holds a long document with room for instructions and an answer. */
export const LONG_CONTEXT_TOKENS = 200_000;

const TIER_POINTS: Record<Tier, number> = { small: 8, medium: 15, large: 21, frontier: 25 };
const LEGACY_PENALTY = 15;

const STRENGTH_WORDS: Record<Strength, string> = {
  agents: 'agents and tool use',
  coding: 'coding',
  reasoning: 'reasoning',
  chat: 'conversation',
  summarization: 'summarisation',
  extraction: 'extraction',
  classification: 'classification',
  rag: 'answering from documents (RAG)',
  'long-context': 'long documents',
  multilingual: 'multiple languages',
  vision: 'images',
  writing: 'writing',
  'low-latency': 'fast responses',
  'low-cost': 'low cost',
};

/** Reads a use case description into the strengths it asks for and the requirements it implies. */
export function interpretUseCase(useCase: string): {
  strengths: Strength[];
  requires: Capability[];
  needs: InterpretedNeed[];
} {
  const strengths = new Set<Strength>();
  const needs = new Map<Need, string>();
  for (const hint of HINTS) {
    const match = hint.pattern.exec(useCase);
    if (!match) continue;
    for (const s of hint.strengths) strengths.add(s);
    for (const need of hint.requires ?? []) if (!needs.has(need)) needs.set(need, match[0].toLowerCase());
  }
  const list = [...needs].map(([need, because]) => ({ need, because }));
  return {
    strengths: [...strengths],
    requires: list.map((n) => n.need).filter(isCapability),
    needs: list,
  };
}

function isCapability(need: Need): need is Capability {
  return (Capability.options as readonly string[]).includes(need);
}

/** Whether a model meets one requirement. */
export function meetsNeed(model: ModelInfo, need: Need): boolean {
  if (need === 'long-context') return model.contextWindow >= LONG_CONTEXT_TOKENS;
  if (need === 'low-latency') return model.strengths.includes('low-latency');
  return model.capabilities.includes(need);
}

/**
 * Ranks models for a described need. Retired models are never recommended. Hard constraints
 * (provider, Region, every requirement read from the use case, the tools and the caller) filter; the
 * score orders what is left: fit to the use case, the monthly cost of the caller's own workload
 * (computed as the cost estimate computes it), tier, and lifecycle (legacy ranks lower). With a
 * budget, models over it are marked and listed after those within it. Without an explicit provider,
 * Bedrock models come first.
 */
export function recommendModels(registry: ModelRegistry, input: ModelNeed): RecommendationResult {
  const need = parseOrThrow(ModelNeed, input, 'the model need');
  const interpreted = interpretUseCase(need.useCase);
  // What the use case's own words ask for comes first (it tells models apart best), then the tools.
  const needs = new Map<Need, string>();
  const fromTools = need.tools.length > 0 ? `uses the chosen tools (${need.tools.join(', ')})` : undefined;
  for (const n of interpreted.needs) if (!(n.need === 'tool-use' && fromTools)) needs.set(n.need, n.because);
  if (fromTools) needs.set('tool-use', fromTools);
  for (const c of need.requiredCapabilities) if (!needs.has(c)) needs.set(c, 'asked for');
  const needList = [...needs].map(([n, because]) => ({ need: n, because }));
  const required = needList.map((n) => n.need).filter(isCapability);
  const interpretedOut = {
    strengths: interpreted.strengths,
    requiredCapabilities: required,
    needs: needList,
  };

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

  const inScope = registry
    .all()
    .filter((m) => (need.provider ? m.provider === need.provider : true))
    .filter((m) => (need.region ? availableInRegion(m, need.region) : true));
  const retired = inScope.filter((m) => m.lifecycle.status === 'retired').length;
  if (retired > 0) notes.push(`${retired} retired model(s) left out: they no longer answer.`);
  const candidates = inScope
    .filter((m) => m.lifecycle.status !== 'retired')
    .filter((m) => needList.every((n) => meetsNeed(m, n.need)));
  if (candidates.length === 0) {
    notes.push(
      `No model${need.provider ? ` from ${need.provider}` : ''} meets all of: ${needList.map((n) => describeNeed(n.need)).join(', ') || '(nothing)'}${need.region ? ` in ${need.region}` : ''}.`,
    );
    return { recommendations: [], interpreted: interpretedOut, assumptions, notes };
  }

  const costs = new Map(candidates.map((m) => [m.id, workloadCost(m, workload).total]));
  const budget = need.budgetUsd === undefined ? undefined : BigInt(Math.round(need.budgetUsd * 1e6));
  const fits = (m: ModelInfo) => budget === undefined || (costs.get(m.id) ?? 0n) <= budget;
  if (budget !== undefined && !candidates.some(fits)) {
    const cheapest = candidates.reduce((a, b) =>
      (costs.get(a.id) ?? 0n) <= (costs.get(b.id) ?? 0n) ? a : b,
    );
    notes.push(
      `No matching model fits ${formatUsd(budget)}/month at this volume; the cheapest is ${cheapest.name} at ${formatUsd(costs.get(cheapest.id) ?? 0n)}/month. Models over the budget are marked.`,
    );
  }

  const costScores = relativeCostScores(candidates.map((m) => costs.get(m.id) ?? 0n));
  const ranked = candidates.map((model, index) => {
    const cost = costs.get(model.id) ?? 0n;
    const matched = interpreted.strengths.filter((s) => model.strengths.includes(s));
    const fit =
      interpreted.strengths.length === 0
        ? 20
        : Math.round((40 * matched.length) / interpreted.strengths.length);
    const legacy = model.lifecycle.status === 'legacy' ? LEGACY_PENALTY : 0;
    const score = Math.max(
      0,
      Math.min(100, fit + Math.round(TIER_POINTS[model.tier]) + (costScores[index] ?? 0) - legacy),
    );
    return { model, score, matched, cost, within: fits(model) };
  });
  ranked.sort(
    (a, b) =>
      Number(b.within) - Number(a.within) ||
      (need.provider ? 0 : Number(b.model.provider === 'bedrock') - Number(a.model.provider === 'bedrock')) ||
      b.score - a.score ||
      (a.cost < b.cost ? -1 : a.cost > b.cost ? 1 : 0) ||
      a.model.id.localeCompare(b.model.id),
  );
  // Reasons are prose; write them only for the models returned.
  const recommendations = ranked.slice(0, need.limit).map(({ model, score, matched, cost, within }) => ({
    model,
    score,
    reasons: reasonsFor(model, registry, needList, matched, cost, workload, need.budgetUsd),
    monthlyCostUsd: toUsd(cost),
    ...(budget === undefined ? {} : { withinBudget: within }),
    lifecycle: model.lifecycle.status,
  }));
  return { recommendations, interpreted: interpretedOut, assumptions, notes };
}

/** 0–35 points, cheapest gets 35, on a log scale so a 10× price difference matters more than 10%. */
function relativeCostScores(costs: MicroUsd[]): number[] {
  // Free (local) models would pin the scale at zero; they get full points and the rest spread between
  // the cheapest and the dearest paid model.
  const paid = costs.filter((c) => c > 0n).map((c) => Math.log10(Number(c)));
  const min = Math.min(...paid);
  const max = Math.max(...paid);
  return costs.map((c) => {
    if (c === 0n || max === min) return 35;
    return Math.round(35 * (1 - (Math.log10(Number(c)) - min) / (max - min)));
  });
}

function describeNeed(need: Need): string {
  if (need === 'long-context') return `a context of ${LONG_CONTEXT_TOKENS / 1000}K tokens or more`;
  if (need === 'low-latency') return 'low latency';
  return need;
}

/** How a model meets one requirement, in the words of the use case: "scanned invoices: has vision". */
function needReason(model: ModelInfo, need: Need, because: string): string {
  switch (need) {
    case 'vision':
      return `Reads ${because}: has vision.`;
    case 'reasoning':
      return `Handles ${because}: reasons step by step before answering.`;
    case 'long-context':
      return `Holds ${because}: ${(model.contextWindow / 1000).toLocaleString('en-US')}K-token context.`;
    case 'low-latency':
      return `Keeps ${because} responsive: a low-latency model.`;
    case 'tool-use':
      return because.startsWith('uses the chosen tools')
        ? `${capitalise(because)}: supports tool use.`
        : `Acts on "${because}": supports tool use.`;
    default:
      return because === 'asked for' ? `Has ${need}, as asked.` : `${capitalise(because)}: has ${need}.`;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function reasonsFor(
  model: ModelInfo,
  registry: ModelRegistry,
  needs: InterpretedNeed[],
  matched: Strength[],
  cost: MicroUsd,
  workload: Workload,
  budgetUsd: number | undefined,
): string[] {
  const reasons = needs.map((n) => needReason(model, n.need, n.because));
  const requests = workload.requestsPerMonth.toLocaleString('en-US');
  if (budgetUsd === undefined) {
    reasons.push(
      `${formatUsd(cost)}/month at ${requests} requests of ${workload.avgInputTokens.toLocaleString('en-US')} + ${workload.avgOutputTokens.toLocaleString('en-US')} tokens.`,
    );
  } else if (cost <= BigInt(Math.round(budgetUsd * 1e6))) {
    reasons.push(
      `Fits the $${budgetUsd.toLocaleString('en-US')} budget at ${requests} requests: ${formatUsd(cost)}/month.`,
    );
  } else {
    reasons.push(
      `Over the $${budgetUsd.toLocaleString('en-US')} budget at ${requests} requests: ${formatUsd(cost)}/month.`,
    );
  }
  if (matched.length > 0) reasons.push(`Suits ${matched.map((s) => STRENGTH_WORDS[s]).join(', ')}.`);
  const { lifecycle } = model;
  if (lifecycle.status === 'legacy') {
    const successor = lifecycle.replacement ? registry.find(lifecycle.replacement) : undefined;
    reasons.push(
      `Legacy model${lifecycle.retiresOn ? ` (retires ${lifecycle.retiresOn})` : ''}${successor ? `; its successor is ${successor.name}` : ''}.`,
    );
  }
  if (model.provider === 'bedrock') {
    reasons.push(
      'On Amazon Bedrock: IAM-controlled, no third-party API key, data stays in your AWS account.',
    );
  } else if (model.provider === 'ollama') {
    reasons.push('Runs locally with Ollama: free, private, for development and offline use.');
  }
  return reasons;
}
