import type { SuiteResult } from './results.ts';

const escapeXml = (s: string) =>
  s
    // Characters XML 1.0 cannot hold at all (control characters other than tab, newline, return).
    // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the ones to drop
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

/**
 * A suite result as JUnit XML (the format CI systems read): one testsuite, one testcase per case run,
 * a failure per failed case run with every failed assertion's reason, skipped when nothing could be
 * checked.
 */
export function toJUnit(result: SuiteResult): string {
  const runs = result.cases.flatMap((c) => c.runs.map((r) => ({ c, r })));
  const failures = runs.filter(({ r }) => r.status === 'failed').length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = runs.reduce((n, { r }) => n + r.latencyMs, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(result.suite)}" tests="${runs.length}" failures="${failures}" errors="0" time="${seconds(total)}">`,
    `  <testsuite name="${escapeXml(result.suite)}" tests="${runs.length}" failures="${failures}" errors="0" skipped="0" time="${seconds(total)}" timestamp="${escapeXml(result.startedAt)}">`,
  ];
  for (const { c, r } of runs) {
    const name = c.runs.length > 1 ? `${c.id} #${r.repetition + 1}` : c.id;
    lines.push(
      `    <testcase classname="${escapeXml(result.suite)}" name="${escapeXml(name)}" time="${seconds(r.latencyMs)}">`,
    );
    if (r.status === 'failed') {
      const reasons = [
        ...(r.failure ? [r.failure] : []),
        ...r.assertions.filter((a) => a.status === 'failed').map((a) => `${a.type}: ${a.reason}`),
      ];
      lines.push(
        `      <failure message="${escapeXml(reasons[0] ?? 'failed')}" type="assertion">${escapeXml(reasons.join('\n'))}</failure>`,
      );
    }
    const notes = [
      ...r.assertions.map((a) => `[${a.status}] ${a.type}: ${a.reason}`),
      `tokens: ${r.inputTokens} in, ${r.outputTokens} out${r.costUsd !== undefined ? `; cost $${r.costUsd}${r.costHypothetical ? ' (hypothetical)' : ''}` : ''}`,
      `answer: ${r.answer}`,
    ];
    lines.push(`      <system-out>${escapeXml(notes.join('\n'))}</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
