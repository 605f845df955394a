import MiniSearch from 'minisearch';
import { stemmer } from 'stemmer';
import type { DeploymentTarget, Language } from '../../agent-spec/schema.ts';
import type { ToolRegistry } from '../../tools/registry.ts';
import type { ToolInfo } from '../../tools/schema.ts';
import { quoteAround } from './evidence.ts';
import { impliedTools } from './settings.ts';

/** Words that carry no intent; dropped from phrases and from the builder's text alike. */
const STOP_WORDS = new Set(
  'a an the to of in on for our my your their its with and or from at by be is are it this that we i you they them can should will would could me us as into about via use using also'.split(
    ' ',
  ),
);
const NEGATIONS = new Set(['no', 'not', 'without', 'never', "don't", 'dont', "doesn't", 'nor', 'avoid']);

/** Lower case, punctuation stripped, stop words dropped, Porter-stemmed. Shared by index and query. */
function processTerm(term: string): string | null {
  const word = term.toLowerCase().replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  if (word.length < 2 || STOP_WORDS.has(word)) return null;
  return stemmer(word);
}

interface PhraseDoc {
  id: string;
  toolId: string;
  phrase: string;
  /** How many distinct terms the phrase has after processing: all must appear for a match. */
  size: number;
}

const indexes = new WeakMap<ToolRegistry, MiniSearch<PhraseDoc>>();

/** One full-text index of every tool's name and aliases, built once per registry. */
function indexOf(registry: ToolRegistry): MiniSearch<PhraseDoc> {
  const cached = indexes.get(registry);
  if (cached) return cached;
  const search = new MiniSearch<PhraseDoc>({
    fields: ['phrase'],
    storeFields: ['toolId', 'phrase', 'size'],
    processTerm,
    searchOptions: { processTerm },
  });
  const docs: PhraseDoc[] = [];
  for (const tool of registry.all()) {
    for (const [i, phrase] of [tool.name, ...tool.aliases].entries()) {
      const terms = new Set(
        phrase
          .split(/[\s/-]+/)
          .map(processTerm)
          .filter((t): t is string => t !== null),
      );
      if (terms.size > 0) docs.push({ id: `${tool.id}#${i}`, toolId: tool.id, phrase, size: terms.size });
    }
  }
  search.addAll(docs);
  indexes.set(registry, search);
  return search;
}

/** The text's sentences and clauses with their offsets ("api.example.com" stays whole). */
function clauses(text: string): { clause: string; clauseStart: number }[] {
  const out: { clause: string; clauseStart: number }[] = [];
  let start = 0;
  for (const boundary of text.matchAll(/[.!?;]+(?=\s|$)|\n+/g)) {
    const end = (boundary.index ?? 0) + boundary[0].length;
    out.push({ clause: text.slice(start, end), clauseStart: start });
    start = end;
  }
  if (start < text.length) out.push({ clause: text.slice(start), clauseStart: start });
  return out;
}

/** Whether tokens first..last hold every wanted term. */
function wantedCovered(
  tokens: { term: string | null }[],
  first: number,
  last: number,
  wanted: Set<string>,
): boolean {
  const seen = new Set(tokens.slice(first, last + 1).map((t) => t.term));
  return [...wanted].every((w) => seen.has(w));
}

export interface ToolMatch {
  toolId: string;
  /** The builder's words that asked for it. */
  quote: string;
  /** The registry phrase those words matched. */
  phrase: string;
}

/**
 * Tools the text asks for: each clause is searched in the registry's name/alias index (stemmed, small
 * typos forgiven) and a tool counts only when every term of one of its phrases is in the clause and
 * the clause does not negate it ("no Slack"). When two tools match the same words, the one whose
 * phrase says more wins ("generate images" is image generation, not reading images).
 */
export function matchTools(registry: ToolRegistry, text: string): ToolMatch[] {
  const index = indexOf(registry);
  const found = new Map<string, ToolMatch & { terms: Set<string> }>();
  for (const { clause, clauseStart } of clauses(text)) {
    if (!/[a-z]/i.test(clause)) continue;
    const tokens = [...clause.matchAll(/[A-Za-z0-9](?:[\w'-]|\.(?=\w))*/g)].map((m) => ({
      text: m[0],
      start: m.index ?? 0,
      term: processTerm(m[0]),
    }));
    const results = index.search(clause, {
      fuzzy: (term) => (term.length >= 6 ? 0.17 : false),
      combineWith: 'OR',
    });
    const inClause: (ToolMatch & { terms: Set<string> })[] = [];
    for (const result of results) {
      if (new Set(result.terms).size < (result.size as number)) continue;
      const wanted = new Set(result.queryTerms);
      const at = tokens.map((t, i) => (t.term !== null && wanted.has(t.term) ? i : -1)).filter((i) => i >= 0);
      const first = at[0] ?? 0;
      const last =
        at.find((i) => i >= first && wantedCovered(tokens, first, i, wanted)) ?? at.at(-1) ?? first;
      // Negated when a negation sits within three words before the phrase.
      const window = tokens.slice(Math.max(0, first - 3), first).map((t) => t.text.toLowerCase());
      if (window.some((w) => NEGATIONS.has(w) || w.endsWith("n't"))) continue;
      const start = clauseStart + (tokens[first]?.start ?? 0);
      const end = clauseStart + (tokens[last]?.start ?? 0) + (tokens[last]?.text.length ?? 0);
      inClause.push({
        toolId: result.toolId as string,
        phrase: result.phrase as string,
        quote: quoteAround(text, { start, end }),
        terms: wanted,
      });
    }
    for (const match of inClause) if (!found.has(match.toolId)) found.set(match.toolId, match);
  }
  // A phrase that another tool's longer phrase contains is explained by it, wherever it appears.
  const all = [...found.values()];
  for (const match of all) {
    const covered = all.some(
      (other) =>
        other.toolId !== match.toolId &&
        other.terms.size > match.terms.size &&
        [...match.terms].every((t) => other.terms.has(t)),
    );
    if (covered) found.delete(match.toolId);
  }
  return [...found.values()].map(({ terms: _terms, ...match }) => match);
}

export interface ToolPick {
  toolId: string;
  quote: string;
  reason: string;
}

export interface ToolChoice {
  picks: ToolPick[];
  /** Tools asked for that the language or target cannot run, with why and what was done instead. */
  skipped: { toolId: string; reason: string }[];
}

const supports = (tool: ToolInfo, language: Language, target: DeploymentTarget | undefined) =>
  tool.implementations[language] !== undefined &&
  (target === undefined || tool.platforms[target].status !== 'unsupported');

/**
 * The tools the text asks for that the chosen language and target can run, each with the words that
 * asked for it. A tool they cannot run is replaced by a registry alternative that they can, or skipped
 * with the reason.
 */
export function chooseTools(
  registry: ToolRegistry,
  text: string,
  language: Language,
  target: DeploymentTarget | undefined,
): ToolChoice {
  const picks: ToolPick[] = [];
  const skipped: ToolChoice['skipped'] = [];
  const languageName = language === 'python' ? 'Python' : 'TypeScript';
  for (const match of matchTools(registry, text)) {
    const tool = registry.find(match.toolId);
    if (!tool || picks.some((p) => p.toolId === tool.id)) continue;
    const why = `from your description: '${match.quote}'`;
    if (supports(tool, language, target)) {
      picks.push({ toolId: tool.id, quote: match.quote, reason: `${tool.name}: ${why}` });
      continue;
    }
    const cannot = !tool.implementations[language]
      ? `has no ${languageName} implementation`
      : `cannot run on ${target}: ${tool.platforms[target as DeploymentTarget].note ?? ''}`;
    const alternative = tool.alternatives
      .map((id) => registry.find(id))
      .find((alt): alt is ToolInfo => alt !== undefined && supports(alt, language, target));
    if (alternative && !picks.some((p) => p.toolId === alternative.id)) {
      picks.push({
        toolId: alternative.id,
        quote: match.quote,
        reason: `${alternative.name}: ${why} (${tool.name} ${cannot})`,
      });
    }
    skipped.push({
      toolId: tool.id,
      reason: `${tool.name} ${cannot}${alternative ? `; ${alternative.name} instead` : ''}`,
    });
  }
  // An identifier only one tool takes (an S3 URI, an SNS topic ARN) asks for that tool.
  for (const implied of impliedTools(text)) {
    const tool = registry.find(implied.toolId);
    if (tool?.implementations[language] && !picks.some((p) => p.toolId === implied.toolId))
      picks.push({
        toolId: implied.toolId,
        quote: implied.quote,
        reason: `${tool.name}: from your description: '${implied.quote}'`,
      });
  }
  return { picks, skipped };
}
