import { satisfies as pep440Satisfies, validRange as pep440ValidRange } from '@renovatebot/pep440';
import semver from 'semver';

/**
 * Version-range algebra for the two ecosystems a generated project uses: npm (semver ranges) and pip
 * (PEP 440 specifiers). `combine` returns the range that satisfies every input, or `undefined` when
 * no version can satisfy them all: that is a dependency conflict.
 */
export interface RangeAlgebra {
  isValid(range: string): boolean;
  combine(ranges: string[]): string | undefined;
}

export const npmRanges: RangeAlgebra = {
  isValid: (range) => semver.validRange(range) !== null,
  combine(ranges) {
    const unique = [...new Set(ranges)];
    for (let i = 0; i < unique.length; i++) {
      for (let j = i + 1; j < unique.length; j++) {
        if (!semver.intersects(unique[i] ?? '', unique[j] ?? '')) return undefined;
      }
    }
    // The narrowest range, when one sits inside all the others; otherwise their conjunction.
    const narrowest = unique.find((candidate) => unique.every((other) => semver.subset(candidate, other)));
    return narrowest ?? unique.join(' ');
  },
};

const PEP440_CLAUSE = /(===|==|~=|!=|<=|>=|<|>)\s*([0-9][0-9A-Za-z.*+!-]*)/g;

function pep440Candidates(specifier: string): string[] {
  const candidates = new Set(['0', '9999']);
  for (const match of specifier.matchAll(PEP440_CLAUSE)) {
    const version = (match[2] ?? '').replace(/\.\*$/, '');
    const parts = version.split('.').map((p) => Number.parseInt(p, 10));
    if (parts.some(Number.isNaN)) continue;
    const [major = 0, minor = 0, patch = 0] = parts;
    candidates.add(version);
    candidates.add(`${major}.${minor}.${patch + 1}`);
    candidates.add(`${major}.${minor + 1}.0`);
    candidates.add(`${major + 1}.0.0`);
    if (patch > 0) candidates.add(`${major}.${minor}.${patch - 1}`);
    if (minor > 0) candidates.add(`${major}.${minor - 1}.9999`);
    if (major > 0) candidates.add(`${major - 1}.9999.9999`);
  }
  return [...candidates];
}

export const pipRanges: RangeAlgebra = {
  isValid: (range) => range.trim() === '' || pep440ValidRange(range),
  combine(ranges) {
    const clauses = [
      ...new Set(ranges.flatMap((r) => r.split(',').map((c) => c.trim())).filter((c) => c !== '')),
    ];
    const combined = clauses.join(',');
    if (combined === '') return '';
    // Satisfiable exactly when some version does; the versions at and around every bound are the only
    // places where satisfaction can change, so checking those is enough.
    const candidates = pep440Candidates(combined);
    if (!candidates.some((v) => pep440Satisfies(v, combined))) return undefined;
    // The narrowest range, when one sits inside all the others (checked at the same versions);
    // otherwise their conjunction.
    const unique = [...new Set(ranges.map((r) => r.trim()).filter((r) => r !== ''))];
    const narrowest = unique.find((candidate) =>
      candidates.every((v) => !pep440Satisfies(v, candidate) || pep440Satisfies(v, combined)),
    );
    return narrowest ?? combined;
  },
};

/** `strands-agents-tools[mem0_memory]` → name `strands-agents-tools`, extras `['mem0_memory']`; names per PEP 503. */
export function parsePipName(spec: string): { name: string; extras: string[] } {
  const match = /^([^[\s]+)(?:\[([^\]]*)\])?$/.exec(spec.trim());
  const raw = match?.[1] ?? spec;
  const extras = (match?.[2] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  return { name: raw.toLowerCase().replace(/[-_.]+/g, '-'), extras };
}
