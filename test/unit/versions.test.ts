import { describe, expect, it } from 'vitest';
import { npmRanges, parsePipName, pipRanges } from '../../lambdas/tools/versions.ts';

describe('npmRanges', () => {
  it('keeps the narrowest range, conjoins overlapping ones, and rejects disjoint ones', () => {
    expect(npmRanges.combine(['^1.2.0', '^1.4.0'])).toBe('^1.4.0');
    expect(npmRanges.combine(['>=1.2.0 <3.0.0', '^2.0.0 || ^3.0.0'])).toBe('>=1.2.0 <3.0.0 ^2.0.0 || ^3.0.0');
    expect(npmRanges.combine(['^1.0.0', '^2.0.0'])).toBeUndefined();
    expect(npmRanges.isValid('not a range')).toBe(false);
  });
});

describe('pipRanges', () => {
  it('combines satisfiable specifiers and finds unsatisfiable ones', () => {
    expect(pipRanges.combine(['>=1.0.0,<2.0.0', '>=1.5'])).toBe('>=1.0.0,<2.0.0,>=1.5');
    // The narrowest input when it sits inside every other one (~=1.4.2 is >=1.4.2,<1.5).
    expect(pipRanges.combine(['~=1.4.2', '<1.5'])).toBe('~=1.4.2');
    expect(pipRanges.combine(['>=1.21.0,<2.0.0', '>=1.0.0,<2.0.0'])).toBe('>=1.21.0,<2.0.0');
    expect(pipRanges.combine(['~=1.4.2', '>=1.5'])).toBeUndefined();
    expect(pipRanges.combine(['==2.1.0', '!=2.1.0'])).toBeUndefined();
    expect(pipRanges.combine(['', ''])).toBe('');
    expect(pipRanges.isValid('>=1.0,<2')).toBe(true);
    expect(pipRanges.isValid('>>1')).toBe(false);
  });

  it('parses pip names with extras and normalises them (PEP 503)', () => {
    expect(parsePipName('Strands_Agents.Tools[mem0_memory, rss]')).toEqual({
      name: 'strands-agents-tools',
      extras: ['mem0_memory', 'rss'],
    });
    expect(parsePipName('boto3')).toEqual({ name: 'boto3', extras: [] });
  });
});
