import { z } from 'zod';
import { SpecPatch } from '../agent-spec/schema.ts';
import type { Registries } from '../registries/validate.ts';
import { ExtractedContext, type MissingField } from './extract.ts';
import { ConsultantKind, type Session } from './model.ts';
import { answerTo, understand } from './understand/index.ts';

/** One line of what the consultant read in the builder's message. */
export const Understood = z.object({ field: z.string(), value: z.string(), quote: z.string().optional() });
export type Understood = z.infer<typeof Understood>;

/** A field of the spec that this message changed. */
export const SpecChange = z.object({
  field: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
});
export type SpecChange = z.infer<typeof SpecChange>;

/** The consultant's answer to one message: what it read, what changed, and the next question. */
export const ConsultantReply = z.object({
  /** What the builder sees: stored as the assistant's message. */
  text: z.string(),
  by: ConsultantKind,
  understood: z.array(Understood),
  changes: z.array(SpecChange),
  /** The most useful question still open (the highest-value missing field first), if any. */
  nextQuestion: z.object({ field: z.string(), question: z.string(), required: z.boolean() }).optional(),
  /** What the consultant dropped or could not do (an invalid drafted field, a fallback), in words. */
  notes: z.array(z.string()),
  /** The spec after this message. */
  context: ExtractedContext,
});
export type ConsultantReply = z.infer<typeof ConsultantReply>;

/**
 * The model-backed consultant's answer before the platform checks it: its reply in words, and the
 * draft it proposes (checked field by field against the AgentSpec schema and the registries).
 */
export interface ModelConsultation {
  reply: string;
  draft: unknown;
  nextQuestion?: string;
}

/** A model-backed consultant: reads the session and the new message, answers and drafts the spec. */
export interface ModelConsultant {
  /** What answers, for the reply's label: "Claude Haiku 4.5 on Amazon Bedrock". */
  readonly label: string;
  consult(input: {
    session: Session;
    message: string;
    context: ExtractedContext;
  }): Promise<ModelConsultation>;
}

const show = (value: unknown): string | undefined =>
  value === undefined
    ? undefined
    : Array.isArray(value)
      ? value.join(', ')
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);

/**
 * What one message says, read on its own (and as the answer to the question asked before it);
 * `context` is the session's spec before the message, whose tools' settings the message may give.
 */
export function readMessage(
  session: Session,
  message: string,
  context: ExtractedContext,
  registries: Registries,
): { understood: Understood[]; answers: Record<string, string | number | boolean | string[]> } {
  const found = understand(message, registries.tools, { knownTools: context.spec.tools });
  const understood: Understood[] = [];
  const answers: Record<string, string | number | boolean | string[]> = {};
  if (found.language)
    understood.push({ field: 'language', value: found.language.value, quote: found.language.quote });
  if (found.target)
    understood.push({ field: 'deployment', value: found.target.value, quote: found.target.quote });
  if (found.volume)
    understood.push({
      field: 'usage',
      value: `${found.volume.requestsPerMonth.toLocaleString('en-US')} requests a month`,
      quote: found.volume.quote,
    });
  if (found.budget)
    understood.push({
      field: 'budget',
      value: `$${found.budget.monthlyUsd}/month`,
      quote: found.budget.quote,
    });
  for (const pick of found.tools.picks)
    understood.push({ field: 'tools', value: pick.toolId, quote: pick.quote });
  for (const setting of found.settings.filter((s) => !s.suggestion))
    understood.push({
      field: `toolConfig.${setting.toolId}.${setting.param}`,
      value: show(setting.value) ?? '',
      quote: setting.quote,
    });
  // A short reply to the question just asked fills that field.
  const asked = [...session.messages].reverse().find((m) => m.role === 'assistant')?.asks;
  if (asked && understood.every((u) => u.field !== asked) && message.length <= 200) {
    const answer = answerTo(asked, message, registries.tools);
    if (answer) {
      answers[answer.key] = answer.value;
      understood.push({ field: answer.key, value: show(answer.value) ?? '', quote: message.trim() });
    }
  }
  return { understood, answers };
}

/** Fields of two specs that differ, in words. */
export function specChanges(before: ExtractedContext, after: ExtractedContext): SpecChange[] {
  return specDiff(before.spec, after.spec);
}

/** What differs between two specs, field by field, in words (a long system prompt is only named). */
export function specDiff(before: ExtractedContext['spec'], after: ExtractedContext['spec']): SpecChange[] {
  const flat = (spec: ExtractedContext['spec']): Record<string, string | undefined> => {
    const out: Record<string, string | undefined> = {
      name: spec.name || undefined,
      language: spec.language,
      model: spec.model || undefined,
      deployment: spec.deployment.target,
      tools: spec.tools.join(', ') || undefined,
      usage: spec.usage ? `${spec.usage.requestsPerMonth.toLocaleString('en-US')} requests/month` : undefined,
      budget: spec.budget ? `$${spec.budget.monthlyUsd}/month` : undefined,
      instructions: spec.systemPrompt || undefined,
    };
    for (const [tool, values] of Object.entries(spec.toolConfig))
      for (const [param, value] of Object.entries(values)) out[`toolConfig.${tool}.${param}`] = show(value);
    return out;
  };
  const a = flat(before);
  const b = flat(after);
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((field) => a[field] !== b[field])
    .map((field) =>
      // The instructions can be long: the change names them, the spec holds the text.
      field === 'instructions'
        ? { field, to: 'updated' }
        : {
            field,
            ...(a[field] !== undefined ? { from: a[field] } : {}),
            ...(b[field] !== undefined ? { to: b[field] } : {}),
          },
    );
}

const LABELS: Record<string, string> = {
  language: 'language',
  deployment: 'deployment target',
  usage: 'volume',
  budget: 'budget',
  tools: 'tools',
  model: 'model',
  name: 'name',
};
/** "added slack_post_message; removed calculator" for a change of the tool list. */
function toolChange(change: SpecChange): string {
  const from = new Set(change.from?.split(', ').filter(Boolean) ?? []);
  const to = new Set(change.to?.split(', ').filter(Boolean) ?? []);
  const added = [...to].filter((t) => !from.has(t));
  const removed = [...from].filter((t) => !to.has(t));
  return [
    ...(added.length > 0 ? [`added ${added.join(', ')}`] : []),
    ...(removed.length > 0 ? [`removed ${removed.join(', ')}`] : []),
  ].join('; ');
}

const label = (field: string) => LABELS[field] ?? field.replace(/^toolConfig\./, '');

/** The rule-based reply: what was read, what changed, and the next question, in plain words. */
export function composeReply(
  understood: Understood[],
  changes: SpecChange[],
  next: MissingField | undefined,
  ready: boolean,
): string {
  const parts: string[] = [];
  if (changes.length > 0) {
    parts.push(
      `Updated: ${changes
        .map((c) =>
          c.field === 'tools'
            ? toolChange(c)
            : c.field === 'instructions'
              ? 'the instructions (system prompt)'
              : c.to === undefined
                ? `${label(c.field)} cleared`
                : c.from === undefined
                  ? `${label(c.field)} → ${c.to}`
                  : `${label(c.field)} ${c.from} → ${c.to}`,
        )
        .join('; ')}.`,
    );
  } else if (understood.length > 0) {
    parts.push(
      `Noted: ${understood.map((u) => `${label(u.field)} ${u.value}`).join('; ')} (the spec already had ${understood.length === 1 ? 'it' : 'these'}).`,
    );
  } else {
    parts.push(
      'I did not find a change to the spec in that. You can name tools, systems to reach, the language, where it runs, the volume or the budget.',
    );
  }
  if (next) parts.push(next.question);
  else if (ready) parts.push('Everything needed to generate is here; continue to Model when you are ready.');
  return parts.join(' ');
}

/** Validates a model's draft field by field: what fits the AgentSpec and the registries is kept, the rest noted. */
export function checkDraft(draft: unknown, registries: Registries): { patch: SpecPatch; notes: string[] } {
  const notes: string[] = [];
  const patch: Record<string, unknown> = {};
  if (typeof draft !== 'object' || draft === null) return { patch: {}, notes: ['the model sent no draft'] };
  const shape = SpecPatch.shape;
  for (const [key, value] of Object.entries(draft as Record<string, unknown>)) {
    if (value === null || value === undefined) continue;
    const field = shape[key as keyof typeof shape];
    if (!field) {
      notes.push(`dropped "${key}": not a field of the AgentSpec`);
      continue;
    }
    const parsed = field.safeParse(value);
    if (!parsed.success) {
      notes.push(`dropped "${key}": ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      continue;
    }
    patch[key] = parsed.data;
  }
  if (typeof patch.model === 'string' && !registries.models.find(patch.model)) {
    notes.push(`dropped model "${patch.model}": not in the model registry`);
    delete patch.model;
  }
  if (Array.isArray(patch.tools)) {
    const unknown = (patch.tools as string[]).filter((id) => !registries.tools.find(id));
    if (unknown.length > 0) notes.push(`dropped tools not in the registry: ${unknown.join(', ')}`);
    patch.tools = (patch.tools as string[]).filter((id) => registries.tools.find(id));
  }
  return { patch: patch as SpecPatch, notes };
}
