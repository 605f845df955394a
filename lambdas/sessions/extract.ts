import { z } from 'zod';
import {
  AgentSpecDraft,
  type DeploymentTarget,
  type Language,
  type ToolConfigValue,
  ToolConfigValue as ToolConfigValueSchema,
} from '../agent-spec/schema.ts';
import { recommendModels } from '../models/recommend.ts';
import { DEFAULT_WORKLOAD } from '../models/workload.ts';
import { type Registries, validateSpec } from '../registries/validate.ts';
import type { Session } from './model.ts';
import { Evidence, FieldSource, fromText } from './understand/evidence.ts';
import { logisticsOf, understand } from './understand/index.ts';
import { recommendTarget } from './understand/platform.ts';
import { draftSystemPrompt, jobFromDescription } from './understand/prompt.ts';
import { findSettings } from './understand/settings.ts';
import { chooseTools } from './understand/tools.ts';

export { Evidence, FieldSource } from './understand/evidence.ts';

/** A field the spec still needs, with the question that gets it. */
export const MissingField = z.object({
  /** The spec path: `model`, `deployment`, `toolConfig.knowledge_base_retrieve.knowledgeBaseId`… */
  field: z.string(),
  question: z.string(),
  /** Generation cannot start while a required field is missing. */
  required: z.boolean(),
  /** For a tool setting: the tool and parameter, so a client can show the setting's form. */
  tool: z.string().optional(),
  param: z.string().optional(),
  /** A value read from a loose phrase ("the orders table"), offered for the builder to confirm. */
  suggestion: ToolConfigValueSchema.optional(),
  /** The builder's words the suggestion came from. */
  quote: z.string().optional(),
});
export type MissingField = z.infer<typeof MissingField>;

export const ExtractedContext = z.object({
  spec: AgentSpecDraft,
  /** 0–100: how much of a generatable spec the session holds; 100 only when generation can start. */
  completeness: z.number().min(0).max(100),
  /** What is still missing, the most useful question first. */
  missing: z.array(MissingField),
  /** Where each field came from: a selection, an answer, the consultant, the text, a recommendation, a default. */
  sources: z.record(z.string(), FieldSource),
  /** Why each field has its value, with the builder's words where it was read from them. */
  evidence: z.record(z.string(), Evidence),
  /** Tools the description asked for that the language or target cannot run, and what was done. */
  skippedTools: z.array(z.object({ toolId: z.string(), reason: z.string() })),
  /** Problems that stop generation even though every field is present. */
  problems: z.array(z.object({ path: z.string(), message: z.string() })),
  ready: z.boolean(),
});
export type ExtractedContext = z.infer<typeof ExtractedContext>;

const text = (value: unknown): string =>
  typeof value === 'string' ? value : Array.isArray(value) ? value.join(' ') : '';

/** The builder's own words in a session: the description fields, then every message in order. */
export function sessionText(session: Session): { description: string; all: string } {
  const answers = session.answers.REQUIREMENTS ?? {};
  const description = [text(answers.useCase), text(answers.description), text(answers.requirements)]
    .filter(Boolean)
    .join('\n');
  const messages = session.messages.filter((m) => m.role === 'user').map((m) => m.text);
  return { description, all: [description, ...messages].filter(Boolean).join('\n') };
}

/** How much each field counts toward completeness; each required tool setting adds its own weight. */
const WEIGHTS: Record<string, number> = {
  useCase: 15,
  name: 5,
  language: 5,
  model: 15,
  systemPrompt: 20,
  deployment: 15,
  tools: 5,
  usage: 10,
  budget: 5,
};
const SETTING_WEIGHT = 10;

/** The order questions are asked in: what blocks generation first, then what sharpens the estimate. */
const QUESTION_ORDER = [
  'useCase',
  'toolConfig',
  'deployment',
  'model',
  'name',
  'systemPrompt',
  'usage',
  'budget',
];

/**
 * Session state → an AgentSpec draft, a completeness score and the questions still to ask. Reads the
 * structured answers, the model consultant's draft and the builder's words (description and messages)
 * with the registries; recommends a model and a target when none is given. Explicit selections always
 * win, then answers, then the consultant's draft, then the text; every value says where it came from.
 */
export function extractContext(session: Session, registries: Registries): ExtractedContext {
  const answers = (session.answers.REQUIREMENTS ?? {}) as Record<string, unknown>;
  const selections = session.selections;
  const drafted = session.drafted ?? {};
  const { description, all } = sessionText(session);
  const evidence: Record<string, Evidence> = {};
  const choose = <T>(field: string, options: [T | undefined, Evidence][]): T | undefined => {
    for (const [value, why] of options) {
      if (value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0)) {
        evidence[field] = why;
        return value;
      }
    }
    return undefined;
  };
  const chosen: Evidence = { source: 'selection', reason: 'you set it' };
  const answered: Evidence = { source: 'answer', reason: 'from your answer' };
  const consulted: Evidence = {
    source: 'consultant',
    reason: 'drafted by the consultant from the conversation',
  };
  const read = (quote: string | undefined, detail = ''): Evidence => ({
    source: 'text',
    ...(quote ? { quote } : {}),
    reason: `${quote ? fromText(quote) : 'from your description'}${detail}`,
  });

  const explicitLanguage = selections.language ?? asLanguage(answers.language) ?? drafted.language;
  const explicitTarget =
    selections.deployment?.target ?? asTarget(answers.deploymentTarget) ?? drafted.deployment?.target;
  const first = understand(all, registries.tools, {
    ...(explicitLanguage ? { language: explicitLanguage } : {}),
    ...(explicitTarget ? { target: explicitTarget } : {}),
  });

  const name = choose<string>('name', [
    [selections.name, chosen],
    [text(answers.name) || undefined, answered],
    [drafted.name, consulted],
    [session.title, { source: 'default', reason: "the session's title" }],
  ]);
  const useCase = description.trim();
  const descriptionField = choose<string>('description', [
    [selections.description, chosen],
    [text(answers.description) || undefined, answered],
    [drafted.description, consulted],
    [text(answers.useCase) || undefined, answered],
  ]);
  const language =
    choose<Language>('language', [
      [selections.language, chosen],
      [asLanguage(answers.language), answered],
      [drafted.language, consulted],
      [first.language?.value, read(first.language?.quote, ` ("${first.language?.words}" decided it)`)],
      ['typescript', { source: 'default', reason: 'no language named: TypeScript is the default' }],
    ]) ?? 'typescript';

  // Tools: the builder's list, else the consultant's, else what the text asks for in this language.
  const textTools = chooseTools(registries.tools, all, language, explicitTarget ?? first.target?.value);
  const tools =
    choose<string[]>('tools', [
      [selections.tools, chosen],
      [drafted.tools, consulted],
      [
        textTools.picks.map((p) => p.toolId),
        { source: 'text', reason: textTools.picks.map((p) => p.reason).join('; ') },
      ],
    ]) ?? [];
  if (evidence.tools?.source === 'text') {
    for (const pick of textTools.picks)
      evidence[`tools.${pick.toolId}`] = { source: 'text', quote: pick.quote, reason: pick.reason };
  }

  const volume = first.volume;
  const requests = choose<number>('usage', [
    [selections.usage?.requestsPerMonth, chosen],
    [asNumber(answers.requestsPerMonth), answered],
    [drafted.usage?.requestsPerMonth, consulted],
    [volume?.requestsPerMonth, read(volume?.quote)],
  ]);
  const budgetUsd = choose<number>('budget', [
    [selections.budget?.monthlyUsd, chosen],
    [asNumber(answers.budgetUsd), answered],
    [drafted.budget?.monthlyUsd, consulted],
    [first.budget?.monthlyUsd, read(first.budget?.quote)],
  ]);

  const recommendedTarget = recommendTarget(registries.tools, tools, requests);
  const target =
    choose<DeploymentTarget>('deployment', [
      [selections.deployment?.target, chosen],
      [asTarget(answers.deploymentTarget), answered],
      [drafted.deployment?.target, consulted],
      [first.target?.value, read(first.target?.quote, ` ("${first.target?.words}" decided it)`)],
      [
        recommendedTarget.value,
        { source: 'recommendation', reason: `recommended: ${recommendedTarget.reason}` },
      ],
    ]) ?? recommendedTarget.value;

  const usage = {
    requestsPerMonth: requests ?? DEFAULT_WORKLOAD.requestsPerMonth,
    avgInputTokens:
      selections.usage?.avgInputTokens ?? drafted.usage?.avgInputTokens ?? DEFAULT_WORKLOAD.avgInputTokens,
    avgOutputTokens:
      selections.usage?.avgOutputTokens ?? drafted.usage?.avgOutputTokens ?? DEFAULT_WORKLOAD.avgOutputTokens,
    avgDurationSeconds: selections.usage?.avgDurationSeconds ?? drafted.usage?.avgDurationSeconds ?? 3,
  };

  let model = choose<string>('model', [
    [selections.model, chosen],
    [typeof answers.model === 'string' ? answers.model : undefined, answered],
    [drafted.model, consulted],
  ]);
  if (!model && useCase) {
    const recommendation = recommendModels(registries.models, {
      useCase: useCase.slice(0, 4000),
      ...(budgetUsd ? { budgetUsd } : {}),
      tools,
      workload: {
        requestsPerMonth: usage.requestsPerMonth,
        avgInputTokens: usage.avgInputTokens,
        avgOutputTokens: usage.avgOutputTokens,
      },
      region: selections.deployment?.region ?? 'us-east-1',
      limit: 1,
    }).recommendations[0];
    if (recommendation) {
      model = recommendation.model.id;
      evidence.model = {
        source: 'recommendation',
        reason: `recommended for your use case: ${recommendation.reasons.slice(0, 2).join('; ')}`,
      };
    }
  }

  // Tool settings: the builder's values win, then the consultant's, then definite values in the text.
  const settings = findSettings(all, tools);
  const toolConfig: Record<string, Record<string, ToolConfigValue>> = {};
  const suggestions = new Map<string, { value: ToolConfigValue; quote: string }>();
  for (const id of tools) {
    const values: Record<string, ToolConfigValue> = {};
    for (const found of settings.filter((s) => s.toolId === id)) {
      const path = `toolConfig.${id}.${found.param}`;
      if (found.suggestion) {
        suggestions.set(path, { value: found.value, quote: found.quote });
        continue;
      }
      values[found.param] = found.value;
      evidence[path] = read(found.quote);
    }
    for (const [param, value] of Object.entries(drafted.toolConfig?.[id] ?? {})) {
      values[param] = value;
      evidence[`toolConfig.${id}.${param}`] = consulted;
    }
    for (const [key, value] of Object.entries(answers)) {
      const match = /^toolConfig\.([a-z0-9_]+)\.([A-Za-z0-9]+)$/.exec(key);
      const parsed = ToolConfigValueSchema.safeParse(value);
      if (match?.[1] === id && match[2] && parsed.success) {
        values[match[2]] = parsed.data;
        evidence[key] = answered;
      }
    }
    for (const [param, value] of Object.entries(selections.toolConfig?.[id] ?? {})) {
      values[param] = value;
      evidence[`toolConfig.${id}.${param}`] = chosen;
    }
    if (Object.keys(values).length > 0) toolConfig[id] = values;
  }

  const job = jobFromDescription(useCase, first.logistics);
  // What the builder says about the agent's behaviour in the conversation joins its instructions;
  // short replies (an id, "thanks") and pure logistics do not.
  const guidance = session.messages
    .filter((m) => m.role === 'user' && m.text.trim().split(/\s+/).length >= 4)
    .slice(-20)
    .map((m) => jobFromDescription(m.text, logisticsOf(m.text)))
    .filter((g) => g.split(/\s+/).length >= 3);
  const systemPrompt = choose<string>('systemPrompt', [
    [selections.systemPrompt, chosen],
    [text(answers.systemPrompt) || undefined, answered],
    [drafted.systemPrompt, consulted],
    [
      job || guidance.length > 0
        ? draftSystemPrompt(name ?? 'the agent', job, tools, registries.tools, guidance)
        : undefined,
      {
        source: 'text',
        reason: `drafted from your description${guidance.length > 0 ? ' and messages' : ''}, with the language, target, volume and budget left out`,
      },
    ],
  ]);

  const secrets = { ...(drafted.secrets ?? {}), ...(selections.secrets ?? {}) };
  const apiKeyProviders = { ...(drafted.apiKeyProviders ?? {}), ...(selections.apiKeyProviders ?? {}) };
  const spec: AgentSpecDraft = {
    name: name ?? '',
    ...(descriptionField ? { description: descriptionField } : {}),
    language,
    model: model ?? '',
    systemPrompt: systemPrompt ?? '',
    tools,
    toolConfig,
    deployment: {
      ...(drafted.deployment ?? {}),
      ...(selections.deployment ?? {}),
      target,
    },
    ...(requests !== undefined ? { usage } : {}),
    ...(budgetUsd ? { budget: { monthlyUsd: budgetUsd } } : {}),
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
    ...(Object.keys(apiKeyProviders).length > 0 ? { apiKeyProviders } : {}),
  };

  const missing: MissingField[] = [];
  if (!useCase && !selections.systemPrompt && !drafted.systemPrompt)
    missing.push({
      field: 'useCase',
      required: true,
      question: 'What should the agent do, and for whom? Describe a typical request.',
    });
  for (const id of tools) {
    const tool = registries.tools.find(id);
    for (const param of tool?.config ?? []) {
      const path = `toolConfig.${id}.${param.name}`;
      const suggestion = suggestions.get(path);
      const required = param.required && param.default === undefined;
      // An optional setting is asked about only to confirm a value read from a loose phrase.
      if ((!required && !suggestion) || toolConfig[id]?.[param.name] !== undefined) continue;
      missing.push({
        field: path,
        required,
        tool: id,
        param: param.name,
        question: suggestion
          ? `${tool?.name} needs a value for "${param.name}" (${param.description.replace(/\.$/, '')}). Is it "${String(suggestion.value)}", from '${suggestion.quote}'?`
          : `${tool?.name} needs a value for "${param.name}": ${param.description}`,
        ...(suggestion ? { suggestion: suggestion.value, quote: suggestion.quote } : {}),
      });
    }
  }
  if (!model)
    missing.push({
      field: 'model',
      required: true,
      question: 'Which model should it use? Describe the use case and a recommendation appears.',
    });
  if (!name) missing.push({ field: 'name', required: true, question: 'What should the agent be called?' });
  if (!systemPrompt)
    missing.push({
      field: 'systemPrompt',
      required: true,
      question: 'How should the agent behave? Write its instructions (system prompt).',
    });
  if (requests === undefined)
    missing.push({
      field: 'usage',
      required: false,
      question: `About how many requests a month do you expect? The cost estimate assumes ${DEFAULT_WORKLOAD.requestsPerMonth.toLocaleString('en-US')} until you say.`,
    });
  if (budgetUsd === undefined)
    missing.push({
      field: 'budget',
      required: false,
      question: 'Is there a monthly budget for running it? The estimate is compared with it.',
    });
  missing.sort(
    (a, b) =>
      Number(b.required) - Number(a.required) ||
      QUESTION_ORDER.indexOf(a.field.split('.')[0] ?? '') -
        QUESTION_ORDER.indexOf(b.field.split('.')[0] ?? ''),
  );

  const blocking = missing.filter((m) => m.required);
  const validation = blocking.length > 0 ? undefined : validateSpec(spec, registries);
  const problems = validation && !validation.ok ? validation.errors : [];
  const ready = validation?.ok === true;

  const present = new Set(Object.keys(evidence).filter((k) => evidence[k]?.source !== 'default'));
  if (useCase || selections.systemPrompt) present.add('useCase');
  if (tools.length > 0 || selections.tools) present.add('tools');
  const settingFields = missing.filter((m) => m.tool).length;
  const total = Object.values(WEIGHTS).reduce((a, b) => a + b, 0) + settingFields * SETTING_WEIGHT;
  const have = Object.entries(WEIGHTS).reduce(
    (sum, [field, weight]) => sum + (present.has(field) ? weight : 0),
    0,
  );
  const score = Math.round((have / total) * 100);
  // Never 100% while generation would fail.
  const completeness = ready ? 100 : Math.min(score, 95);

  const sources = Object.fromEntries(
    Object.entries(evidence)
      .filter(([k]) => !k.startsWith('tools.'))
      .map(([k, v]) => [k, v.source]),
  );
  return {
    spec,
    completeness,
    missing,
    sources,
    evidence,
    skippedTools: textTools.skipped,
    problems,
    ready,
  };
}

function asLanguage(value: unknown): Language | undefined {
  return value === 'python' || value === 'typescript' ? value : undefined;
}
function asTarget(value: unknown): DeploymentTarget | undefined {
  return value === 'agentcore' || value === 'ecs-fargate' || value === 'lambda' ? value : undefined;
}
function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
