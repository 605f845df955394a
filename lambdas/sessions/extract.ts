import { z } from 'zod';
import { AgentSpecDraft } from '../agent-spec/schema.ts';
import { recommendModels } from '../models/recommend.ts';
import { type Registries, validateSpec } from '../registries/validate.ts';
import type { Session } from './model.ts';

/** A field the spec still needs, with the question that gets it. */
export const MissingField = z.object({ field: z.string(), question: z.string() });
export type MissingField = z.infer<typeof MissingField>;

export const FieldSource = z.enum(['selection', 'answer', 'text', 'recommendation', 'default']);

export const ExtractedContext = z.object({
  spec: AgentSpecDraft,
  /** 0–100: how much of a generatable spec the session holds. */
  completeness: z.number().min(0).max(100),
  missing: z.array(MissingField),
  /** Where each field came from: a selection, an answer, the conversation, or a default/recommendation. */
  sources: z.record(z.string(), FieldSource),
  /** Problems that stop generation even though every field is present. */
  problems: z.array(z.object({ path: z.string(), message: z.string() })),
  ready: z.boolean(),
});
export type ExtractedContext = z.infer<typeof ExtractedContext>;

interface Cue {
  pattern: RegExp;
  tools?: string[];
  target?: 'lambda' | 'agentcore' | 'ecs-fargate';
}

/** Phrases in the builder's words and what they mean for the spec. */
const CUES: Cue[] = [
  {
    pattern:
      /\b(search (the )?(web|internet)|web search|browse the web|look (things )?up online|latest news)\b/i,
    tools: ['http_request', 'web_fetch'],
  },
  {
    pattern: /\b(remember|memory|past conversations|previous conversations|recall)\b/i,
    tools: ['agent_core_memory'],
  },
  {
    pattern: /\b(run (python|code)|execute (python|code)|code interpreter|data analysis|plot|charts?)\b/i,
    tools: ['code_interpreter'],
  },
  {
    pattern: /\b(knowledge base|our docs|documentation|internal documents|faq|policies)\b/i,
    tools: ['knowledge_base_retrieve'],
  },
  { pattern: /\b(calculat\w*|math|arithmetic|totals?|prices?)\b/i, tools: ['calculator'] },
  { pattern: /\b(time zones?|current time|today'?s date|what time)\b/i, tools: ['current_time'] },
  { pattern: /\b(call (an|our) api|rest api|http|webhook)\b/i, tools: ['http_request'] },
  { pattern: /\b(slack)\b/i, tools: ['slack_post_message'] },
  { pattern: /\b(e-?mail)\b/i, tools: ['ses_send_email'] },
  { pattern: /\b(serverless|lambda|on demand|spiky traffic)\b/i, target: 'lambda' },
  { pattern: /\b(long[- ]running|hours?|always on|steady traffic|containers?)\b/i, target: 'ecs-fargate' },
  { pattern: /\b(agentcore|session isolation|isolated sessions)\b/i, target: 'agentcore' },
];

const text = (value: unknown): string =>
  typeof value === 'string' ? value : Array.isArray(value) ? value.join(' ') : '';

/**
 * Session state → an AgentSpec draft, a completeness score and the questions still to ask. Reads the
 * structured answers and the free text (use case, messages) with the registries; recommends a model
 * when none is chosen. Explicit selections always win over extraction.
 */
export function extractContext(session: Session, registries: Registries): ExtractedContext {
  const answers = Object.assign({}, ...Object.values(session.answers)) as Record<string, unknown>;
  const selections = session.selections;
  const corpus = [
    text(answers.useCase),
    text(answers.description),
    text(answers.requirements),
    ...session.messages.filter((m) => m.role === 'user').map((m) => m.text),
  ].join('\n');
  const sources: ExtractedContext['sources'] = {};
  const pick = <T>(
    field: string,
    options: [T | undefined, ExtractedContext['sources'][string]][],
  ): T | undefined => {
    for (const [value, source] of options) {
      if (value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0)) {
        sources[field] = source;
        return value;
      }
    }
    return undefined;
  };

  const name = pick<string>('name', [
    [selections.name, 'selection'],
    [text(answers.name) || undefined, 'answer'],
    [session.title, 'default'],
  ]);
  const useCase = text(answers.useCase);
  const description = pick<string>('description', [
    [selections.description, 'selection'],
    [text(answers.description) || undefined, 'answer'],
    [useCase || undefined, 'answer'],
  ]);

  const cueTools = [
    ...new Set(CUES.filter((c) => c.tools && c.pattern.test(corpus)).flatMap((c) => c.tools ?? [])),
  ];
  const cueTarget = CUES.find((c) => c.target && c.pattern.test(corpus))?.target;
  const language = pick<'typescript' | 'python'>('language', [
    [selections.language, 'selection'],
    [
      answers.language === 'python' || answers.language === 'typescript' ? answers.language : undefined,
      'answer',
    ],
    ['typescript', 'default'],
  ]);
  const target = pick<'agentcore' | 'ecs-fargate' | 'lambda'>('deployment', [
    [selections.deployment?.target, 'selection'],
    [
      ['agentcore', 'ecs-fargate', 'lambda'].includes(String(answers.deploymentTarget))
        ? (answers.deploymentTarget as never)
        : undefined,
      'answer',
    ],
    [cueTarget, 'text'],
  ]);
  // Tools the language or target cannot run are left out of the extracted list (never out of a selection).
  const extractedTools = cueTools.filter((id) => {
    const tool = registries.tools.find(id);
    return (
      tool?.implementations[language ?? 'typescript'] &&
      (!target || tool.platforms[target].status !== 'unsupported')
    );
  });
  const tools =
    pick<string[]>('tools', [
      [selections.tools, 'selection'],
      [extractedTools, 'text'],
    ]) ?? [];

  const budgetMatch =
    /\$\s?(\d[\d,]*(?:\.\d+)?)\s*(?:\/|per|a|each)?\s*month/i.exec(corpus) ??
    /budget[^\d$]*\$?\s?(\d[\d,]*(?:\.\d+)?)/i.exec(corpus);
  const budgetUsd =
    typeof answers.budgetUsd === 'number'
      ? answers.budgetUsd
      : budgetMatch
        ? Number((budgetMatch[1] ?? '').replaceAll(',', ''))
        : undefined;
  const requests = typeof answers.requestsPerMonth === 'number' ? answers.requestsPerMonth : undefined;

  let model = pick<string>('model', [
    [selections.model, 'selection'],
    [typeof answers.model === 'string' ? answers.model : undefined, 'answer'],
  ]);
  if (!model && useCase) {
    const recommendation = recommendModels(registries.models, {
      useCase,
      ...(budgetUsd ? { budgetUsd } : {}),
      requiredCapabilities: tools.length > 0 ? ['tool-use'] : [],
      region: selections.deployment?.region ?? 'us-east-1',
      limit: 1,
    }).recommendations[0];
    if (recommendation) {
      model = recommendation.model.id;
      sources.model = 'recommendation';
    }
  }
  const systemPrompt = pick<string>('systemPrompt', [
    [selections.systemPrompt, 'selection'],
    [text(answers.systemPrompt) || undefined, 'answer'],
    [useCase ? draftPrompt(name ?? 'the agent', useCase) : undefined, 'text'],
  ]);

  const spec: AgentSpecDraft = {
    name: name ?? '',
    ...(description ? { description } : {}),
    ...(language ? { language } : {}),
    model: model ?? '',
    systemPrompt: systemPrompt ?? '',
    tools,
    toolConfig: selections.toolConfig ?? {},
    deployment: { ...(selections.deployment ?? {}), ...(target ? { target } : {}) },
    ...(requests
      ? {
          usage: {
            requestsPerMonth: requests,
            avgInputTokens: 1000,
            avgOutputTokens: 300,
            avgDurationSeconds: 3,
          },
        }
      : {}),
    ...(budgetUsd ? { budget: { monthlyUsd: budgetUsd } } : {}),
  };

  const missing: MissingField[] = [];
  if (!useCase && !selections.systemPrompt)
    missing.push({
      field: 'useCase',
      question: 'What should the agent do, for whom? Describe a typical request.',
    });
  if (!name) missing.push({ field: 'name', question: 'What should the agent be called?' });
  if (!model)
    missing.push({
      field: 'model',
      question: 'Which model should it use? Describe the use case and a recommendation appears.',
    });
  if (!systemPrompt)
    missing.push({
      field: 'systemPrompt',
      question: 'How should the agent behave? Write its instructions (system prompt).',
    });
  if (!target)
    missing.push({
      field: 'deployment',
      question:
        'Where will it run: AgentCore Runtime (managed sessions), ECS Fargate (always on) or Lambda (serverless)?',
    });
  if (requests === undefined)
    missing.push({
      field: 'usage',
      question: 'About how many requests a month do you expect? (for the cost estimate)',
    });

  const weights: Record<string, number> = {
    name: 10,
    description: 5,
    useCase: 10,
    model: 20,
    systemPrompt: 25,
    deployment: 15,
    usage: 10,
    tools: 5,
  };
  const present = new Set(Object.keys(sources));
  if (useCase || selections.systemPrompt) present.add('useCase');
  if (requests !== undefined) present.add('usage');
  if (tools.length > 0 || selections.tools) present.add('tools');
  const completeness = Math.round(
    Object.entries(weights).reduce((sum, [field, weight]) => sum + (present.has(field) ? weight : 0), 0),
  );

  const required = ['name', 'model', 'systemPrompt', 'deployment'];
  const validation = missing.some((m) => required.includes(m.field))
    ? undefined
    : validateSpec(spec, registries);
  const problems = validation && !validation.ok ? validation.errors : [];
  return { spec, completeness, missing, sources, problems, ready: validation?.ok === true };
}

function draftPrompt(name: string, useCase: string): string {
  return [
    `You are ${name}.`,
    `Your job: ${useCase.trim()}`,
    'Be accurate and concise. Use your tools when they help, and say so when you cannot do something.',
  ].join('\n');
}
