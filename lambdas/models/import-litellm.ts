import { z } from 'zod';
import { ValidationError } from '../core/errors.ts';
import { parseRegistryFile } from '../core/registry-data.ts';
import { zodProblems } from '../core/zod-problems.ts';
import {
  type Capability,
  type FactName,
  factProvenance,
  ModelInfo,
  type ModelPricing,
  type Provider,
  RegistryNote,
} from './schema.ts';

/** Where litellm's price map lives; the `source` of every value this importer writes. */
export const LITELLM_SOURCE =
  'https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json';

/** Whether a fact was read from a litellm price map (and may be updated from one) rather than a vendor page. */
export function isLitellmSource(url: string): boolean {
  return /github\.com\/BerriAI\/litellm|raw\.githubusercontent\.com\/BerriAI\/litellm|RoCry\/llm-api-price/i.test(
    url,
  );
}

/** One entry of litellm's `model_prices_and_context_window.json`, as far as the registry reads it. */
const LitellmEntry = z.looseObject({
  litellm_provider: z.string().optional(),
  mode: z.string().optional(),
  input_cost_per_token: z.number().optional(),
  output_cost_per_token: z.number().optional(),
  cache_creation_input_token_cost: z.number().optional(),
  cache_read_input_token_cost: z.number().optional(),
  input_cost_per_token_batches: z.number().optional(),
  output_cost_per_token_batches: z.number().optional(),
  max_input_tokens: z.number().optional(),
  max_output_tokens: z.number().optional(),
  supports_function_calling: z.boolean().optional(),
  supports_vision: z.boolean().optional(),
  supports_reasoning: z.boolean().optional(),
  supports_prompt_caching: z.boolean().optional(),
  supports_response_schema: z.boolean().optional(),
  supports_native_structured_output: z.boolean().optional(),
  supports_native_streaming: z.boolean().optional(),
  deprecation_date: z.string().optional(),
});
type LitellmEntry = z.infer<typeof LitellmEntry>;

/** The registry file as the importer reads and writes it: the models plus the notes. */
export interface RegistryFile {
  $comment?: string;
  notes?: unknown[];
  models: unknown[];
  [key: string]: unknown;
}

const PROVIDERS: Record<string, Exclude<Provider, 'ollama'>> = {
  bedrock: 'bedrock',
  bedrock_converse: 'bedrock',
  openai: 'openai',
  anthropic: 'anthropic',
};

/** Keys that are not base model ids: geography prefixes, paths, fine-tunes, commitment terms, Vertex-style `@`. */
const NOT_BASE_ID = /^(us|eu|apac|au|jp|ca|global|us-gov)\.|\/|^ft:|@|commitment/i;
const DATE_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{8})$/;

export interface FieldChange {
  id: string;
  fact: FactName;
  field: string;
  registry: unknown;
  litellm: unknown;
  /**
   * `update`: the registry's value came from litellm and takes the new one. `kept`: the registry's
   * value came from a vendor page and stays; `noted` says the registry notes list it as a departure.
   */
  action: 'update' | 'kept';
  noted: boolean;
  source: string;
}

export interface NewModel {
  key: string;
  entry: ModelInfo;
}

export interface Retirement {
  id: string;
  date: string;
  /** `retired` once the date has passed, `legacy` (retiring on the date) before. */
  status: 'retired' | 'legacy';
  /** Already recorded in the registry's lifecycle. */
  recorded: boolean;
  /** Why it is not applied: a retired model needs a replacement, which litellm does not name. */
  blocked?: string;
}

export interface ImportPlan {
  litellmKeys: number;
  /** In scope: chat models of Bedrock, OpenAI and Anthropic under base ids. */
  candidates: number;
  newModels: NewModel[];
  changes: FieldChange[];
  retirements: Retirement[];
  /** litellm keys the registry notes leave out deliberately. */
  leftOut: { key: string; reason: string }[];
  /** Dated or undated twins of a registry id (`gpt-5-2025-08-07` for `gpt-5`). */
  aliases: { key: string; of: string }[];
  /** Registry models (not Ollama) that litellm does not list under their id. */
  notInLitellm: string[];
  /** New keys whose litellm facts do not make a valid entry (no capability, say), with why. */
  unusable: { key: string; problems: string[] }[];
}

/** USD per token → USD per 1M tokens, at most 6 decimals (the registry's precision). */
function perMillion(perToken: number | undefined): number | undefined {
  if (perToken === undefined) return undefined;
  return Math.round(perToken * 1e12) / 1e6;
}

function pricingOf(e: LitellmEntry): Partial<ModelPricing> {
  const out: Partial<ModelPricing> = {};
  const put = (field: keyof Omit<ModelPricing, 'basis'>, value: number | undefined) => {
    const v = perMillion(value);
    if (v !== undefined) out[field] = v;
  };
  put('inputPerMTok', e.input_cost_per_token);
  put('outputPerMTok', e.output_cost_per_token);
  put('cacheWritePerMTok', e.cache_creation_input_token_cost);
  put('cacheReadPerMTok', e.cache_read_input_token_cost);
  put('batchInputPerMTok', e.input_cost_per_token_batches);
  put('batchOutputPerMTok', e.output_cost_per_token_batches);
  return out;
}

/** The capabilities litellm states explicitly, true or false; absent flags say nothing. */
function capabilityFlags(e: LitellmEntry): Partial<Record<Capability, boolean>> {
  const flags: Partial<Record<Capability, boolean>> = {};
  if (e.supports_function_calling !== undefined) flags['tool-use'] = e.supports_function_calling;
  if (e.supports_vision !== undefined) flags.vision = e.supports_vision;
  if (e.supports_reasoning !== undefined) flags.reasoning = e.supports_reasoning;
  if (e.supports_prompt_caching !== undefined) flags['prompt-caching'] = e.supports_prompt_caching;
  const structured = e.supports_response_schema ?? e.supports_native_structured_output;
  if (structured !== undefined) flags['structured-output'] = structured;
  return flags;
}

function parseLitellm(data: unknown): Map<string, LitellmEntry> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ValidationError('the litellm file must be a JSON object keyed by model', [
      { path: '', message: 'expected an object' },
    ]);
  }
  const out = new Map<string, LitellmEntry>();
  for (const [key, value] of Object.entries(data)) {
    if (key === 'sample_spec') continue;
    const parsed = LitellmEntry.safeParse(value);
    if (parsed.success) out.set(key, parsed.data);
  }
  return out;
}

/** The notes of a registry file, validated. */
export function registryNotes(file: RegistryFile): RegistryNote[] {
  const parsed = z.array(RegistryNote).safeParse(file.notes ?? []);
  if (!parsed.success)
    throw new ValidationError('registry notes are not valid', zodProblems(parsed.error, 'notes'));
  return parsed.data;
}

function inScope(key: string, e: LitellmEntry): Exclude<Provider, 'ollama'> | undefined {
  const provider = PROVIDERS[e.litellm_provider ?? ''];
  if (!provider || e.mode !== 'chat' || NOT_BASE_ID.test(key)) return undefined;
  if (e.input_cost_per_token === undefined || e.output_cost_per_token === undefined) return undefined;
  return provider;
}

/**
 * Compares litellm's price map with the registry: new models, price, limit and capability changes,
 * retirements. Reads only; {@link applyImport} writes. `today` (YYYY-MM-DD) dates what is read now.
 */
export function planImport(file: RegistryFile, litellmData: unknown, today: string): ImportPlan {
  const models = parseRegistryFile('models', ModelInfo, file);
  const notes = registryNotes(file);
  const litellm = parseLitellm(litellmData);
  const leftOutNotes = new Map(notes.filter((n) => n.kind === 'left-out').map((n) => [n.id, n.reason]));
  const departures = new Set(
    notes.filter((n) => n.kind === 'departure').map((n) => `${n.id}|${n.fact ?? ''}`),
  );
  const byId = new Map(models.map((m) => [m.id, m]));
  const plan: ImportPlan = {
    litellmKeys: litellm.size,
    candidates: 0,
    newModels: [],
    changes: [],
    retirements: [],
    leftOut: [],
    aliases: [],
    notInLitellm: [],
    unusable: [],
  };

  for (const model of models) {
    if (model.provider === 'ollama') continue;
    const e = litellm.get(model.id);
    if (!e || inScope(model.id, e) !== model.provider) {
      plan.notInLitellm.push(model.id);
      continue;
    }
    const change = (fact: FactName, field: string, registry: unknown, value: unknown) => {
      const provenance = factProvenance(model, fact);
      const fromLitellm = isLitellmSource(provenance.source);
      plan.changes.push({
        id: model.id,
        fact,
        field,
        registry,
        litellm: value,
        action: fromLitellm ? 'update' : 'kept',
        noted: departures.has(`${model.id}|${fact}`),
        source: provenance.source,
      });
    };
    for (const [field, value] of Object.entries(pricingOf(e))) {
      const current = model.pricing[field as keyof ModelPricing];
      if (current !== value) change('pricing', field, current, value);
    }
    if (e.max_input_tokens !== undefined && e.max_input_tokens !== model.contextWindow)
      change('limits', 'contextWindow', model.contextWindow, e.max_input_tokens);
    if (e.max_output_tokens !== undefined && e.max_output_tokens !== model.maxOutputTokens)
      change('limits', 'maxOutputTokens', model.maxOutputTokens, e.max_output_tokens);
    for (const [capability, has] of Object.entries(capabilityFlags(e))) {
      if (model.capabilities.includes(capability as Capability) !== has)
        change('capabilities', capability, !has, has);
    }
    if (e.deprecation_date) plan.retirements.push(retirementOf(model, e.deprecation_date, today));
  }

  const stems = new Map<string, string>();
  for (const m of models) stems.set(m.id.replace(DATE_SUFFIX, ''), m.id);
  // A dated snapshot of a model the notes leave out is left out with it.
  const leftOutStems = new Map([...leftOutNotes.keys()].map((id) => [id.replace(DATE_SUFFIX, ''), id]));
  const groups = new Map<string, { key: string; provider: Exclude<Provider, 'ollama'>; e: LitellmEntry }[]>();
  for (const [key, e] of litellm) {
    const provider = inScope(key, e);
    if (!provider) continue;
    plan.candidates++;
    if (byId.has(key)) continue;
    const reason = leftOutNotes.get(key);
    if (reason !== undefined) {
      plan.leftOut.push({ key, reason });
      continue;
    }
    const stem = provider === 'bedrock' ? key : key.replace(DATE_SUFFIX, '');
    const leftOutTwin = leftOutStems.get(stem);
    if (leftOutTwin !== undefined) {
      plan.leftOut.push({ key, reason: `twin of ${leftOutTwin}: ${leftOutNotes.get(leftOutTwin) ?? ''}` });
      continue;
    }
    const twin = stems.get(stem);
    if (twin) {
      plan.aliases.push({ key, of: twin });
      continue;
    }
    groups.set(stem, [...(groups.get(stem) ?? []), { key, provider, e }]);
  }
  for (const members of groups.values()) {
    // One entry per model: the undated alias where there is one, else the newest dated snapshot.
    const sorted = [...members].sort((a, b) => a.key.length - b.key.length || b.key.localeCompare(a.key));
    const [chosen, ...twins] = sorted;
    if (!chosen) continue;
    for (const twin of twins) plan.aliases.push({ key: twin.key, of: chosen.key });
    const entry = newEntry(chosen.key, chosen.provider, chosen.e, litellm, today);
    if (entry.success) plan.newModels.push({ key: chosen.key, entry: entry.data });
    else
      plan.unusable.push({
        key: chosen.key,
        problems: zodProblems(entry.error).map((p) => `${p.path}: ${p.message}`),
      });
  }
  plan.newModels.sort((a, b) => a.key.localeCompare(b.key));
  return plan;
}

function retirementOf(model: ModelInfo, date: string, today: string): Retirement {
  const status = date <= today ? 'retired' : 'legacy';
  const l = model.lifecycle;
  // A lifecycle read from a vendor page governs: litellm's date is then only reported, never applied.
  const vendorLifecycle = l.status !== 'active' && !isLitellmSource(l.source);
  const recorded =
    vendorLifecycle ||
    (status === 'retired' && l.status === 'retired') ||
    (status === 'legacy' && (l.status === 'retired' || (l.status === 'legacy' && l.retiresOn === date)));
  return {
    id: model.id,
    date,
    status,
    recorded,
    ...(status === 'retired' && !recorded
      ? {
          blocked:
            'retired models name a replacement, which litellm does not: record it from the vendor page',
        }
      : {}),
  };
}

const VENDORS: Record<string, string> = {
  ai21: 'AI21 Labs',
  amazon: 'Amazon',
  anthropic: 'Anthropic',
  cohere: 'Cohere',
  deepseek: 'DeepSeek',
  google: 'Google',
  meta: 'Meta',
  minimax: 'MiniMax',
  mistral: 'Mistral AI',
  moonshot: 'Moonshot AI',
  moonshotai: 'Moonshot AI',
  nvidia: 'NVIDIA',
  openai: 'OpenAI',
  qwen: 'Qwen',
  writer: 'Writer',
  zai: 'Z.ai',
};

/**
 * A registry entry for a model litellm lists and the registry does not. Facts come from litellm and
 * say so; the curated fields (name, description, tier, strengths, Regions) are marked as not yet
 * reviewed: the name is the id and there are no strengths, so the recommender only ranks it on
 * capabilities and cost until someone curates it. The tier follows the output price (a stated rule).
 */
function newEntry(
  key: string,
  provider: Exclude<Provider, 'ollama'>,
  e: LitellmEntry,
  litellm: Map<string, LitellmEntry>,
  today: string,
) {
  const pricing = pricingOf(e);
  const flags = capabilityFlags(e);
  const capabilities = (Object.entries(flags) as [Capability, boolean][])
    .filter(([, v]) => v)
    .map(([c]) => c);
  // Bedrock's ConverseStream and the OpenAI and Anthropic APIs stream every chat model unless litellm says not.
  if (e.supports_native_streaming !== false && (provider !== 'openai' || e.supports_native_streaming))
    capabilities.unshift('streaming');
  if (pricing.cacheReadPerMTok !== undefined && !capabilities.includes('prompt-caching'))
    capabilities.push('prompt-caching');
  if (pricing.batchInputPerMTok !== undefined || pricing.batchOutputPerMTok !== undefined)
    capabilities.push('batch');
  const output = pricing.outputPerMTok ?? 0;
  const tier = output < 1 ? 'small' : output < 5 ? 'medium' : output < 20 ? 'large' : 'frontier';
  const vendorKey = provider === 'bedrock' ? (key.split('.')[0] ?? '') : provider;
  const contextWindow = e.max_input_tokens ?? e.max_output_tokens ?? 1;
  const geographies = (['us', 'eu', 'apac', 'global'] as const).filter((g) => litellm.has(`${g}.${key}`));
  // litellm prices in-Region on-demand use under `bedrock/<region>/<id>`: those Regions serve the model.
  const regions =
    provider === 'bedrock'
      ? [...litellm.keys()]
          .map((k) => /^bedrock\/([a-z]{2}(?:-gov)?-[a-z]+-\d)\/(.+)$/.exec(k))
          .filter((m) => m?.[2] === key)
          .map((m) => m?.[1] ?? '')
          .sort()
      : [];
  return ModelInfo.safeParse({
    id: key,
    provider,
    vendor: VENDORS[vendorKey] ?? vendorKey,
    family: key
      .replace(/^[a-z0-9]+\./, '')
      .replace(DATE_SUFFIX, '')
      .replace(/[-:]v?\d+(:\d+)?$/, ''),
    name: key,
    description: `Imported from litellm on ${today}; name, tier and strengths not yet reviewed.`,
    pricing: {
      inputPerMTok: pricing.inputPerMTok ?? 0,
      outputPerMTok: pricing.outputPerMTok ?? 0,
      ...pricing,
      basis:
        provider === 'bedrock'
          ? 'us-east-1 on-demand, USD per 1M tokens (litellm)'
          : 'list price, USD per 1M tokens (litellm)',
    },
    contextWindow,
    maxOutputTokens: Math.min(e.max_output_tokens ?? contextWindow, contextWindow),
    capabilities: [...new Set(capabilities)],
    strengths: [],
    tier,
    regions,
    ...(provider === 'bedrock' && geographies.length > 0
      ? { inferenceProfile: { geographies, required: false } }
      : {}),
    recommended: false,
    lifecycle: { status: 'active' },
    source: LITELLM_SOURCE,
    asOf: today,
  });
}

/**
 * Applies a plan to the registry file: litellm-sourced facts take litellm's values (dated today),
 * vendor-sourced ones never change, new models are appended after their provider's, and announced
 * retirement dates are recorded on active models as `legacy` until the date (a retirement needs a
 * replacement, so it is left to a person). Every model is validated again before the file is returned.
 */
export function applyImport(file: RegistryFile, plan: ImportPlan, today: string): RegistryFile {
  const models = parseRegistryFile('models', ModelInfo, file);
  const updated = models.map((model) => {
    const changes = plan.changes.filter((c) => c.id === model.id && c.action === 'update');
    const retirement = plan.retirements.find(
      (r) => r.id === model.id && !r.recorded && r.status === 'legacy',
    );
    if (changes.length === 0 && !retirement) return model;
    const next: ModelInfo = structuredClone(model);
    const facts = new Set<FactName>();
    for (const c of changes) {
      facts.add(c.fact);
      if (c.fact === 'pricing') (next.pricing as Record<string, unknown>)[c.field] = c.litellm;
      else if (c.field === 'contextWindow') next.contextWindow = c.litellm as number;
      else if (c.field === 'maxOutputTokens') next.maxOutputTokens = c.litellm as number;
      else {
        const capability = c.field as Capability;
        next.capabilities = c.litellm
          ? [...next.capabilities, capability]
          : next.capabilities.filter((x) => x !== capability);
      }
    }
    if (facts.size > 0) {
      next.facts = { ...next.facts };
      for (const fact of facts) next.facts[fact] = { source: LITELLM_SOURCE, asOf: today };
    }
    // A lifecycle read from a vendor page is never replaced by litellm's date.
    const lifecycleFromLitellm =
      next.lifecycle.status === 'active' ||
      (next.lifecycle.status === 'legacy' && isLitellmSource(next.lifecycle.source));
    if (retirement && lifecycleFromLitellm) {
      next.lifecycle = {
        status: 'legacy',
        ...(next.lifecycle.status === 'legacy' && next.lifecycle.replacement
          ? { replacement: next.lifecycle.replacement }
          : {}),
        retiresOn: retirement.date,
        source: LITELLM_SOURCE,
        asOf: today,
      };
    }
    return ModelInfo.parse(next);
  });
  const added = plan.newModels.map((n) => n.entry);
  const order: Provider[] = ['bedrock', 'ollama', 'openai', 'anthropic'];
  const all = [...updated, ...added].sort((a, b) => order.indexOf(a.provider) - order.indexOf(b.provider));
  const out: RegistryFile = { ...file, models: all };
  parseRegistryFile('models', ModelInfo, out);
  return out;
}

/** The plan as lines a person reviews, grouped, with counts. */
export function describePlan(plan: ImportPlan): string[] {
  const lines: string[] = [];
  const fmt = (v: unknown) =>
    v === undefined
      ? 'none'
      : typeof v === 'number'
        ? v.toLocaleString('en-US', { maximumFractionDigits: 6 })
        : String(v);
  lines.push(
    `litellm: ${plan.litellmKeys} keys, ${plan.candidates} chat models of Bedrock, OpenAI and Anthropic under base ids.`,
  );
  lines.push(`New models (${plan.newModels.length}):`);
  for (const n of plan.newModels) {
    const p = n.entry.pricing;
    lines.push(
      `  + ${n.key} (${n.entry.provider}): $${fmt(p.inputPerMTok)} in / $${fmt(p.outputPerMTok)} out per 1M, ${fmt(n.entry.contextWindow)} context, ${n.entry.capabilities.join(' ')}`,
    );
  }
  const updates = plan.changes.filter((c) => c.action === 'update');
  lines.push(`Changes applied from litellm (${updates.length}):`);
  for (const c of updates) lines.push(`  ~ ${c.id} ${c.field}: ${fmt(c.registry)} → ${fmt(c.litellm)}`);
  const unnoted = plan.changes.filter((c) => c.action === 'kept' && !c.noted);
  lines.push(
    `Vendor-sourced values that differ from litellm, not in the registry notes (${unnoted.length}):`,
  );
  for (const c of unnoted)
    lines.push(
      `  ! ${c.id} ${c.field}: registry ${fmt(c.registry)} (${c.source}), litellm ${fmt(c.litellm)}`,
    );
  const noted = plan.changes.filter((c) => c.action === 'kept' && c.noted);
  lines.push(`Deliberate departures kept (listed in the registry notes) (${noted.length}).`);
  const pending = plan.retirements.filter((r) => !r.recorded);
  lines.push(`Retirements (${pending.length}):`);
  for (const r of pending)
    lines.push(
      `  ✗ ${r.id}: ${r.status === 'retired' ? 'retired on' : 'retires on'} ${r.date}${r.blocked ? ` (${r.blocked})` : ''}`,
    );
  lines.push(`Not usable as entries (${plan.unusable.length}):`);
  for (const u of plan.unusable) lines.push(`  ? ${u.key}: ${u.problems.join('; ')}`);
  lines.push(`Left out deliberately (registry notes): ${plan.leftOut.length}.`);
  lines.push(`Dated or undated twins of listed models: ${plan.aliases.length}.`);
  lines.push(`Registry models litellm does not list under their id: ${plan.notInLitellm.length}.`);
  return lines;
}

/** Whether applying the plan would change nothing but the deliberate, noted departures. */
export function planIsClean(plan: ImportPlan): boolean {
  return (
    plan.newModels.length === 0 &&
    plan.unusable.length === 0 &&
    plan.changes.every((c) => c.action === 'kept' && c.noted) &&
    plan.retirements.every((r) => r.recorded)
  );
}
