/** A number found in text, with where it was written. */
export interface FoundNumber {
  value: number;
  start: number;
  end: number;
  /** The characters it was read from. */
  text: string;
  /** Written as money: `$30`, `30 dollars`, `USD 30`. */
  money: boolean;
}

const UNITS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const SCALES: Record<string, number> = {
  hundred: 100,
  thousand: 1_000,
  million: 1_000_000,
  billion: 1_000_000_000,
  k: 1_000,
  m: 1_000_000,
  mm: 1_000_000,
  mn: 1_000_000,
  b: 1_000_000_000,
  bn: 1_000_000_000,
};

const WORD = Object.keys(UNITS).join('|');
const SCALE_WORD = 'hundred|thousand|million|billion';
/** "fifty thousand", "two thousand five hundred", "a hundred", "twenty-five", "a million". */
const WORD_NUMBER = new RegExp(
  `\\b(?:(?:${WORD}|a|an)(?:[\\s-]+(?:and[\\s-]+)?(?:${WORD}|${SCALE_WORD}))*|(?:${SCALE_WORD}))\\b`,
  'gi',
);
/** `5,000`, `5000`, `5k`, `1.5M`, `~400`, `$30`, `30 dollars`, `USD 40`, `2 thousand`. */
const DIGIT_NUMBER = new RegExp(
  `(?:(usd|us\\$)\\s*)?(\\$\\s?)?(\\d{1,3}(?:,\\d{3})+|\\d+)(\\.\\d+)?(?:\\s?(k|m|mm|mn|b|bn)\\b|\\s+(${SCALE_WORD})\\b)?(\\s*(?:dollars?|usd|bucks)\\b)?`,
  'gi',
);

/** The value of a run of number words ("two thousand five hundred" → 2500), or undefined. */
export function wordsToNumber(phrase: string): number | undefined {
  const words = phrase
    .toLowerCase()
    .split(/[\s-]+/)
    .filter((w) => w && w !== 'and');
  if (words.length === 0) return undefined;
  let total = 0;
  let group = 0;
  let seen = false;
  for (const word of words) {
    if (word === 'a' || word === 'an') {
      group += 1;
      continue;
    }
    if (word in UNITS) {
      group += UNITS[word] ?? 0;
      seen = true;
    } else if (word === 'hundred') {
      group = (group || 1) * 100;
      seen = true;
    } else if (word in SCALES) {
      total += (group || 1) * (SCALES[word] ?? 1);
      group = 0;
      seen = true;
    } else return undefined;
  }
  return seen ? total + group : undefined;
}

/** Every number in the text, in order: digits with separators and suffixes, and numbers in words. */
export function findNumbers(text: string): FoundNumber[] {
  const found: FoundNumber[] = [];
  for (const match of text.matchAll(DIGIT_NUMBER)) {
    const [whole, usd, dollar, digits, fraction, suffix, scaleWord, dollars] = match;
    let value = Number(`${(digits ?? '').replaceAll(',', '')}${fraction ?? ''}`);
    const scale = (suffix ?? scaleWord)?.toLowerCase();
    if (scale) value *= SCALES[scale] ?? 1;
    if (!Number.isFinite(value)) continue;
    const start = match.index ?? 0;
    // A leading "~" or "about" changes nothing but belongs to the quote.
    found.push({
      value,
      start,
      end: start + whole.length,
      text: whole.trim(),
      money: Boolean(usd || dollar || dollars),
    });
  }
  for (const match of text.matchAll(WORD_NUMBER)) {
    const phrase = match[0];
    // A lone "a"/"an" is an article, not a number.
    if (/^(a|an)$/i.test(phrase.trim())) continue;
    const value = wordsToNumber(phrase);
    if (value === undefined) continue;
    const start = match.index ?? 0;
    const end = start + phrase.length;
    if (found.some((f) => start < f.end && end > f.start)) continue;
    const after = text.slice(end, end + 12);
    found.push({
      value,
      start,
      end,
      text: phrase,
      money: /^\s*(dollars?|usd|bucks)\b/i.test(after),
    });
  }
  return found.sort((a, b) => a.start - b.start);
}

/**
 * Parses what people type into a numeric field: `5,000`, `5k`, `1.5M`, `~400`, `fifty thousand`.
 * Returns undefined for anything else (never a silent 0).
 */
export function parseHumanNumber(input: string): number | undefined {
  let text = input.trim().replace(/^[~≈]|^(about|around|roughly)\s+/i, '');
  if (text === '') return undefined;
  // "-5" is a number (refused by the caller's bounds, not misread); so is "2e12".
  const sign = text.startsWith('-') || text.startsWith('−') ? -1 : 1;
  if (sign < 0) text = text.slice(1).trim();
  if (/^\d+(\.\d+)?e[+-]?\d+$/i.test(text)) return sign * Number(text);
  const numbers = findNumbers(text);
  const first = numbers[0];
  if (numbers.length !== 1 || !first || first.start !== 0 || first.end !== text.length) return undefined;
  return sign * first.value;
}
