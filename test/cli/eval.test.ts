import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import xmlParser from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../bin/cli/program.ts';
import { SuiteResult } from '../../lambdas/evaluations/results.ts';

// `agent-builder eval` for real: the spec is generated, built and run in the runner's sandbox on the
// offline model (which calls the tool a message names), and the suite's verdict is the exit code.
async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    out: (text) => {
      stdout += `${text}\n`;
    },
    err: (text) => {
      stderr += `${text}\n`;
    },
    binary: () => undefined,
  });
  return { code, stdout, stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'cli-eval-'));
const spec = join(dir, 'spec.yaml');
writeFileSync(
  spec,
  [
    'name: Eval Demo',
    'description: Answers arithmetic questions and tells the time.',
    'language: typescript',
    'model: anthropic.claude-3-5-haiku-20241022-v1:0',
    'systemPrompt: You are a helpful assistant that does arithmetic and tells the time.',
    'tools: [calculator, current_time]',
    'deployment: { target: agentcore, region: us-east-1 }',
  ].join('\n'),
);

describe('agent-builder eval', () => {
  it('exits 1 below the threshold, says why, and writes valid JUnit XML with the failure', async () => {
    const suite = join(dir, 'suite.yaml');
    writeFileSync(
      suite,
      [
        'name: cli',
        'settings: { threshold: 1 }',
        'cases:',
        '  - id: adds',
        '    input: use calculator on "2 + 3"',
        '    assertions: [{ type: tool-called, name: calculator, args: { expression: "2 + 3" } }, { type: tool-not-called, name: current_time }]',
        '  - id: bananas',
        '    input: tell me about fruit',
        '    assertions: [{ type: contains, value: banana }, { type: judge, rubric: "Talks about bananas at length." }]',
      ].join('\n'),
    );
    const junit = join(dir, 'result.xml');
    const { code, stdout } = await cli(
      'eval',
      '--spec',
      spec,
      '--suite',
      suite,
      '--model',
      'offline',
      '--json',
      '--junit',
      junit,
    );
    expect(code).toBe(1);
    const result = SuiteResult.parse(JSON.parse(stdout));
    expect(result.model?.kind).toBe('offline');
    expect(result.cases.map((c) => [c.id, c.passed])).toEqual([
      ['adds', true],
      ['bananas', false],
    ]);
    expect(result.cases[1]?.runs[0]?.assertions.map((a) => a.status)).toEqual(['failed', 'skipped']);
    expect(result.summary).toMatchObject({ verdict: 'failed', passRate: 0.5, costHypothetical: true });
    const xml = readFileSync(junit, 'utf8');
    expect(xmlParser.validate(xml)).toBe(true);
    const parsed = xmlParser.parse(xml, { ignoreAttributes: false }) as {
      testsuites: {
        testsuite: {
          '@_tests': string;
          '@_failures': string;
          testcase: { '@_name': string; failure?: unknown }[];
        };
      };
    };
    expect(parsed.testsuites.testsuite).toMatchObject({ '@_tests': '2', '@_failures': '1' });
    expect(
      parsed.testsuites.testsuite.testcase.find((t) => t['@_name'] === 'bananas')?.failure,
    ).toBeDefined();
  }, 600_000);

  it('exits 0 when the generated starter suite passes, printing the table and the verdict', async () => {
    const { code, stdout } = await cli('eval', '--spec', spec, '--model', 'offline');
    expect(stdout).toContain('uses-calculator');
    expect(stdout).toContain('PASSED');
    expect(code).toBe(0);
  }, 600_000);

  it('refuses a suite that is not valid, naming the problem (exit 2)', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: x\ncases: [{ id: a, input: hi, assertions: [{ type: nope }] }]');
    const { code, stderr } = await cli('eval', '--spec', spec, '--suite', bad, '--model', 'offline');
    expect(code).toBe(2);
    expect(stderr).toContain('cases[0].assertions[0].type');
  });
});
