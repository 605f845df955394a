import { quoteAround, type Span } from './evidence.ts';
import { findNumbers } from './numbers.ts';

/** How many of one period fit in a month (30-day month, 4.33 weeks). */
const PER_MONTH: Record<string, number> = {
  hour: 24 * 30,
  day: 30,
  week: 4.33,
  month: 1,
  year: 1 / 12,
};

const PERIOD = String.raw`(?:(?:a|an|per|each|every|/)\s*(hour|hr|day|weekday|business day|week|wk|month|mo|year|yr|annum)\b|(hourly|daily|weekly|monthly|yearly|annually)\b)`;
const UNIT = String.raw`(?:requests?|questions?|queries|query|conversations?|chats?|tickets?|runs?|invocations?|sessions?|messages?|calls?|emails?|documents?|docs|invoices?|users?\s+(?:questions?|requests?)|interactions?|lookups?|jobs?|tasks?|reports?|orders?|calculations?|quotes?|images?|posts?|videos?|summaries|reviews?|translations?|[a-z]{3,}s)`;

/** A number, then within a few words a unit of work and a period: "about 5,000 questions a month". */
const NUMBER_UNIT_PERIOD = new RegExp(
  String.raw`^\s*(?:[a-z-]+\s+){0,3}?${UNIT}\b[^.;\n\d$]{0,30}?${PERIOD}`,
  'i',
);
/** "2k/month", "400 per day", "10,000 monthly": a number directly followed by a period. */
const NUMBER_PERIOD = new RegExp(String.raw`^\s*${PERIOD}`, 'i');
/** "…per month: 5000", "volume of 5k", "monthly volume around 2,000 requests". */
const VOLUME_WORD_BEFORE =
  /\b(volume|traffic|load|requests|questions|conversations|usage)\b[^.;\n$\d]{0,25}$/i;

export interface FoundVolume {
  requestsPerMonth: number;
  quote: string;
  span: Span;
}

function periodKey(word: string): keyof typeof PER_MONTH {
  const w = word.toLowerCase();
  if (w.startsWith('h')) return 'hour';
  if (w.startsWith('d') || w.startsWith('weekday') || w.startsWith('business')) return 'day';
  if (w.startsWith('w')) return 'week';
  if (w.startsWith('y') || w.startsWith('annu')) return 'year';
  return 'month';
}

/**
 * The monthly request volume the builder names, in any common form: `5,000`, `5k`, `~400`,
 * `2k/month`, "fifty thousand", per day (×30), per week (×4.33), per hour (×720). The last mention
 * wins, so a later correction in the conversation replaces an earlier figure.
 */
export function findVolume(text: string): FoundVolume | undefined {
  let found: FoundVolume | undefined;
  for (const number of findNumbers(text)) {
    if (number.money || number.value <= 0) continue;
    const before = text.slice(Math.max(0, number.start - 12), number.start);
    if (/[$€£]\s*$|\b(usd|budget|version|v|python|node|node\.js|gb|mb)\s*$/i.test(before)) continue;
    const after = text.slice(number.end, number.end + 80);
    const withUnit = NUMBER_UNIT_PERIOD.exec(after) ?? NUMBER_PERIOD.exec(after);
    const contextBefore = text.slice(Math.max(0, number.start - 40), number.start);
    let perMonth: number | undefined;
    let end = number.end;
    if (withUnit) {
      const word = withUnit[1] ?? withUnit[2] ?? 'month';
      perMonth = number.value * (PER_MONTH[periodKey(word)] ?? 1);
      end = number.end + withUnit[0].length;
    } else if (
      VOLUME_WORD_BEFORE.test(contextBefore) &&
      /month|monthly/i.test(contextBefore + after.slice(0, 30))
    ) {
      perMonth = number.value;
    } else if (new RegExp(String.raw`^\s*(?:[a-z-]+\s+){0,2}?${UNIT}\b`, 'i').test(after)) {
      // "5,000 conversations" without a period: the platform's unit is a month.
      const unit = new RegExp(String.raw`^\s*(?:[a-z-]+\s+){0,2}?${UNIT}\b`, 'i').exec(after);
      if (!unit || /\b(per|each|a)\s+(request|question|conversation)/i.test(after.slice(0, 40))) continue;
      if (
        !/month|volume|traffic|expect|about|around|roughly|~/i.test(`${contextBefore} ${after.slice(0, 40)}`)
      )
        continue;
      perMonth = number.value;
      end = number.end + unit[0].length;
    }
    if (perMonth === undefined) continue;
    const span = { start: number.start, end };
    found = { requestsPerMonth: Math.round(perMonth), quote: quoteAround(text, span), span };
  }
  return found;
}

export interface FoundBudget {
  monthlyUsd: number;
  quote: string;
  span: Span;
}

const BUDGET_CUE =
  /\b(budget|spend|spending|cost|costs|afford|under|below|less than|no more than|at most|max(imum)?|cap|capped|limit|within|up to)\b/i;

/**
 * The monthly budget: `$30/month`, `30 dollars a month`, `under $50 a month`, `below $300 per month`,
 * `$100/mo`, `budget around 200 dollars`, "no more than $5 a month"; a yearly figure is divided by 12.
 * The last mention wins.
 */
export function findBudget(text: string): FoundBudget | undefined {
  let found: FoundBudget | undefined;
  for (const number of findNumbers(text)) {
    const before = text.slice(Math.max(0, number.start - 40), number.start);
    const after = text.slice(number.end, number.end + 30);
    const moneyAfter = /^\s*(dollars?|usd|bucks)\b/i.exec(after);
    if (!number.money && !moneyAfter && !/\bbudget\b[^.;\n\d]{0,20}$/i.test(before)) continue;
    const rest = moneyAfter ? after.slice(moneyAfter[0].length) : after;
    const period =
      /^\s*(?:(?:a|an|per|each|every|\/)\s*(month|mo|year|yr|annum|day|week)\b|(monthly|yearly|annually|daily|weekly)\b)/i.exec(
        rest,
      );
    const cue = BUDGET_CUE.test(before.slice(-30));
    if (!period && !cue) continue;
    // "$0.02 per request" is a price, not a budget.
    if (/^\s*(per|a|each)\s+(request|call|token|question|1k|1,000|million)/i.test(rest)) continue;
    const word = (period?.[1] ?? period?.[2] ?? 'month').toLowerCase();
    const factor =
      word.startsWith('y') || word.startsWith('annu')
        ? 1 / 12
        : word.startsWith('d')
          ? 30
          : word.startsWith('w')
            ? 4.33
            : 1;
    const monthlyUsd = Math.round(number.value * factor * 100) / 100;
    if (monthlyUsd <= 0) continue;
    const span = {
      start: number.start,
      end: number.end + (moneyAfter?.[0].length ?? 0) + (period?.[0].length ?? 0),
    };
    found = { monthlyUsd, quote: quoteAround(text, span), span };
  }
  return found;
}
