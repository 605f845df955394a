import { z } from 'zod';

/** Where a field's value came from, strongest first. */
export const FieldSource = z.enum(['selection', 'answer', 'consultant', 'text', 'recommendation', 'default']);
export type FieldSource = z.infer<typeof FieldSource>;

/** Why a field has its value: its source, the builder's words it was read from, and the reason in words. */
export const Evidence = z.object({
  source: FieldSource,
  /** The builder's own words the value was read from, when it was read from text. */
  quote: z.string().optional(),
  /** One sentence a builder can read: "from your description: 'about 5,000 questions a month'". */
  reason: z.string(),
});
export type Evidence = z.infer<typeof Evidence>;

/** A span of the text that an extractor used; logistics spans are kept out of the drafted prompt. */
export interface Span {
  start: number;
  end: number;
}

/** The builder's words around a span, cut at clause boundaries and at most ~80 characters. */
export function quoteAround(text: string, span: Span): string {
  // A sentence ends at . ! ? ; or a newline; "api.example.com" and "3.11" do not end one.
  // A comma followed by a space ends a clause too ("5,000" does not).
  const ends = (i: number) =>
    /[!?;\n]/.test(text[i] ?? '') ||
    ((text[i] === '.' || text[i] === ',') && (i + 1 >= text.length || /\s/.test(text[i + 1] ?? '')));
  let start = span.start;
  while (start > 0 && !ends(start - 1) && span.start - start < 40) start--;
  let end = span.end;
  while (end < text.length && !ends(end) && end - span.end < 40) end++;
  let quote = text.slice(start, end).trim();
  // Do not start or end in the middle of a word.
  if (start > 0 && !ends(start - 1)) quote = quote.replace(/^\S*\s/, '');
  if (end < text.length && !ends(end)) quote = quote.replace(/\s\S*$/, '');
  return quote.replace(/^[,\s]+|[,\s]+$/g, '');
}

/** "from your description: '…'" */
export const fromText = (quote: string) => `from your description: '${quote}'`;
