import type { ToolRegistry } from '../../tools/registry.ts';
import type { Span } from './evidence.ts';

/** Words of the builder's logistics (how it is built and paid for), never the agent's job. */
const LOGISTICS =
  /\b(python(\s*3(\.\d+)?)?|typescript|node(\.js)?|javascript|deploy(ed|ment)?|fargate|ecs|aws lambda|lambda|agent\s?core|serverless|container(s|ized)?|budget|cost|costs|cheap|dollars?|usd|per month|a month|\/month|\/mo|monthly|volume)\b|\$\s?\d/i;

/**
 * The agent's job from the builder's description, with the logistics taken out: clauses that state
 * the language, the target, the volume or the budget (found by the extractors as `spans`, or by their
 * words when short) are dropped, so the prompt never tells the model about its own hosting bill.
 */
export function jobFromDescription(text: string, spans: Span[]): string {
  const kept: string[] = [];
  let offset = 0;
  for (const sentence of text.split(/(?<=[.!?])\s+|\n+/)) {
    const sentenceStart = text.indexOf(sentence, offset);
    offset = sentenceStart + sentence.length;
    const parts: string[] = [];
    let partOffset = sentenceStart;
    for (const part of sentence.split(/(?<=,)\s*|\s+(?=(?:and|but)\s)/)) {
      const start = text.indexOf(part, partOffset);
      partOffset = start + part.length;
      const overlaps = spans.some((s) => s.start < start + part.length && s.end > start);
      const words = part.replace(/[,.;]+$/, '').trim();
      const logistic = overlaps || (LOGISTICS.test(words) && words.split(/\s+/).length <= 8);
      if (!logistic && words) parts.push(words);
    }
    if (parts.length > 0) kept.push(parts.join(', ').replace(/^(and|but)\s+/i, ''));
  }
  return kept
    .map((s) => s.charAt(0).toUpperCase() + s.slice(1))
    .map((s) => (/[.!?]$/.test(s) ? s : `${s}.`))
    .join(' ');
}

/** A first system prompt: who the agent is, its job in the builder's words, and when to use each tool. */
export function draftSystemPrompt(
  name: string,
  job: string,
  toolIds: string[],
  tools: ToolRegistry,
  guidance: string[] = [],
): string {
  // "An HR assistant that…" reads as who the agent is; anything else is its job.
  const lines = /^(an?|the)\s/i.test(job)
    ? [`You are ${name}, ${job.charAt(0).toLowerCase()}${job.slice(1)}`]
    : [`You are ${name}.`, ...(job ? [`Your job: ${job}`] : [])];
  const described = toolIds
    .map((id) => tools.find(id))
    .filter((t) => t !== undefined)
    .map((t) => `- ${t.name}: ${t.description}`);
  if (guidance.length > 0) lines.push('', 'Also:', ...guidance.map((g) => `- ${g}`));
  if (described.length > 0) lines.push('', 'Your tools:', ...described);
  lines.push(
    '',
    'Be accurate and concise. Use your tools when they help, base answers on what they return, and say so when you cannot do something or do not know.',
  );
  return lines.join('\n');
}
