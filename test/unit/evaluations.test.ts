import xmlParser from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lambdas/core/errors.ts';
import { checkAssertion, matchesPartial } from '../../lambdas/evaluations/assertions.ts';
import { compareResults } from '../../lambdas/evaluations/compare.ts';
import { modelJudge, readVerdict } from '../../lambdas/evaluations/judge.ts';
import { toJUnit } from '../../lambdas/evaluations/junit.ts';
import { type Observation, observationOf } from '../../lambdas/evaluations/observation.ts';
import { percentile } from '../../lambdas/evaluations/results.ts';
import { type CaseExecutor, type ExecutedRun, runSuite } from '../../lambdas/evaluations/run-suite.ts';
import { type Assertion, parseSuite, Suite, suiteJsonSchema } from '../../lambdas/evaluations/suite.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { runCost } from '../../lambdas/testing/run-cost.ts';
import { openAiCompatibleBackend } from '../../runner/backends.ts';
import { offlineBackend } from '../../runner/offline-model.ts';
import { startScriptedOpenAi } from '../scripted-openai.ts';

const HAIKU = loadModelRegistry().get('anthropic.claude-3-5-haiku-20241022-v1:0');

const observation = (over: Partial<Observation> = {}): Observation => ({
  answer: 'The calculator says 5. (Answered by the offline model.)',
  toolCalls: [
    { name: 'current_time', input: {} },
    { name: 'calculator', input: { expression: '2 + 3', precision: 2, options: { exact: true } } },
  ],
  inputTokens: 120,
  outputTokens: 30,
  costUsd: 0.000216,
  latencyMs: 900,
  ttftMs: 120,
  ...over,
});

const check = (assertion: Record<string, unknown>, o = observation()) =>
  checkAssertion(
    Suite.parse({ name: 's', cases: [{ id: 'c', input: 'x', assertions: [assertion] }] }).cases[0]
      ?.assertions[0] as Assertion,
    o,
  );

describe('evaluation suite format', () => {
  it('reads a YAML suite with defaults filled in', () => {
    const suite = parseSuite(`
name: main
settings: { repetitions: 2, tagThresholds: { tools: 1 } }
cases:
  - id: adds
    input: use calculator on "2 + 3"
    tags: [tools]
    assertions:
      - { type: tool-called, name: calculator, args: { expression: "2 + 3" } }
      - { type: contains, value: "5" }
  - id: chat
    conversation: [hello, what did I just say?]
    assertions: [{ type: latency, maxMs: 5000 }]
`);
    expect(suite.settings).toMatchObject({
      repetitions: 2,
      concurrency: 2,
      threshold: 1,
      changeThreshold: 0.2,
    });
    expect(suite.cases[1]?.conversation).toHaveLength(2);
  });

  const problems = (yaml: string) => {
    try {
      parseSuite(yaml);
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).errors.map((p) => p.path);
    }
    throw new Error('the suite was accepted');
  };

  it('lists every problem by path: unknown assertion type, bad regex, both input and conversation, duplicate ids', () => {
    expect(
      problems(`
name: main
cases:
  - id: a
    input: hi
    assertions: [{ type: sounds-good }]
  - id: b
    input: hi
    assertions: [{ type: regex, pattern: "(" }, { type: length }]
`),
    ).toEqual(['cases[0].assertions[0].type', 'cases[1].assertions[0].pattern', 'cases[1].assertions[1]']);
    expect(
      problems(
        'name: m\ncases: [{ id: a, input: hi, conversation: [hi], assertions: [{ type: tokens, max: 1 }] }]',
      ),
    ).toEqual(['cases[0].input']);
    expect(
      problems(
        'name: m\ncases: [{ id: a, input: hi, assertions: [{ type: tokens, max: 1 }] }, { id: a, input: ho, assertions: [{ type: tokens, max: 1 }] }]',
      ),
    ).toEqual(['cases[1].id']);
  });

  it('refuses a document whose aliases expand without bound, as a validation problem', () => {
    const laughs = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ];
    expect(() => parseSuite(laughs.join('\n'))).toThrow(/cannot be read/);
  });

  it('names the line of a YAML syntax error', () => {
    expect(() => parseSuite('name: [unclosed\ncases: []')).toThrow(ValidationError);
    try {
      parseSuite('name: [unclosed\ncases: []');
    } catch (e) {
      expect((e as ValidationError).errors[0]?.path).toMatch(/^line \d+, column \d+$/);
    }
  });

  it('exports the suite format as JSON Schema naming every assertion type', () => {
    const schema = JSON.stringify(suiteJsonSchema());
    for (const type of [
      'contains',
      'not-contains',
      'regex',
      'equals',
      'json',
      'length',
      'judge',
      'tool-called',
      'tool-not-called',
      'tool-order',
      'model-calls',
      'tokens',
      'cost',
      'latency',
      'ttft',
    ])
      expect(schema).toContain(`"const":"${type}"`);
  });
});

describe('assertions', () => {
  it.each([
    [{ type: 'contains', value: 'CALCULATOR SAYS' }, 'passed'],
    [{ type: 'contains', value: 'CALCULATOR SAYS', caseSensitive: true }, 'failed'],
    [{ type: 'not-contains', value: 'sorry' }, 'passed'],
    [{ type: 'not-contains', value: 'offline' }, 'failed'],
    [{ type: 'regex', pattern: 'says \\d+' }, 'passed'],
    [{ type: 'regex', pattern: '^\\d+$' }, 'failed'],
    [{ type: 'equals', value: '  The calculator says 5. (Answered by the offline model.)\n' }, 'passed'],
    [{ type: 'equals', value: 'The calculator says 5.' }, 'failed'],
    [{ type: 'length', min: 10, max: 100 }, 'passed'],
    [{ type: 'length', max: 10 }, 'failed'],
    [{ type: 'tool-called', name: 'calculator' }, 'passed'],
    [{ type: 'tool-called', name: 'calculator', args: { options: { exact: true } } }, 'passed'],
    [{ type: 'tool-called', name: 'calculator', args: { expression: '2 + 4' } }, 'failed'],
    [{ type: 'tool-called', name: 'calculator', argsPattern: '"precision":2' }, 'passed'],
    [{ type: 'tool-called', name: 'http_request' }, 'failed'],
    [{ type: 'tool-not-called', name: 'http_request' }, 'passed'],
    [{ type: 'tool-not-called', name: 'calculator' }, 'failed'],
    [{ type: 'tool-order', names: ['current_time', 'calculator'] }, 'passed'],
    [{ type: 'tool-order', names: ['calculator', 'current_time'] }, 'failed'],
    [{ type: 'tokens', max: 150 }, 'passed'],
    [{ type: 'tokens', max: 149 }, 'failed'],
    [{ type: 'cost', maxUsd: 0.001 }, 'passed'],
    [{ type: 'cost', maxUsd: 0.0001 }, 'failed'],
    [{ type: 'latency', maxMs: 900 }, 'passed'],
    [{ type: 'latency', maxMs: 899 }, 'failed'],
    [{ type: 'ttft', maxMs: 200 }, 'passed'],
    [{ type: 'ttft', maxMs: 100 }, 'failed'],
    [{ type: 'model-calls', max: 3 }, 'skipped'],
    [{ type: 'judge', rubric: 'Says the sum of 2 and 3.' }, 'skipped'],
  ])('%j → %s', (assertion, status) => {
    const outcome = check(assertion);
    expect(outcome.status).toBe(status);
    expect(outcome.reason.length).toBeGreaterThan(5);
  });

  it('checks JSON answers: parse, schema, fenced', () => {
    const schema = { type: 'object', required: ['total'], properties: { total: { type: 'number' } } };
    expect(check({ type: 'json' }, observation({ answer: 'not json' })).status).toBe('failed');
    expect(
      check({ type: 'json', schema }, observation({ answer: '```json\n{"total": 5}\n```' })).status,
    ).toBe('passed');
    const wrong = check({ type: 'json', schema }, observation({ answer: '{"total": "five"}' }));
    expect(wrong.status).toBe('failed');
    expect(wrong.reason).toContain('/total');
  });

  it('counts model calls when the run recorded them', () => {
    expect(check({ type: 'model-calls', max: 2 }, observation({ modelCalls: 2 })).status).toBe('passed');
    expect(check({ type: 'model-calls', max: 2 }, observation({ modelCalls: 3 })).status).toBe('failed');
  });

  it('matches partial objects recursively and arrays exactly', () => {
    expect(matchesPartial({ a: { b: 1, c: 2 }, d: [1, 2] }, { a: { b: 1 }, d: [1, 2] })).toBe(true);
    expect(matchesPartial({ d: [1, 2, 3] }, { d: [1, 2] })).toBe(false);
    expect(matchesPartial('x', { a: 1 })).toBe(false);
  });
});

describe('observations', () => {
  const run = (over: Partial<ExecutedRun> = {}): ExecutedRun => ({
    status: 'succeeded',
    output: 'hi',
    toolCalls: [{ toolUseId: 't1', name: 'calculator', input: { expression: '1' }, status: 'error' }],
    metrics: {
      totalLatencyMs: 500,
      timeToFirstTokenMs: 40,
      installMs: 0,
      buildMs: 0,
      inputTokens: 1000,
      outputTokens: 200,
      toolCalls: 1,
      exitCode: null,
      status: 'succeeded',
    },
    model: { kind: 'offline', label: 'offline model' },
    ...over,
  });

  it('sums a conversation’s turns, keeps the last answer and prices it at the registry rate, hypothetically offline', () => {
    const o = observationOf([run({ output: 'first' }), run({ output: 'second' })], HAIKU);
    expect(o).toMatchObject({
      answer: 'second',
      inputTokens: 2000,
      outputTokens: 400,
      latencyMs: 1000,
      ttftMs: 40,
      turns: 2,
    });
    expect(o.toolCalls[0]).toMatchObject({ name: 'calculator', error: expect.any(String) });
    expect(o.costUsd).toBe(runCost({ inputTokens: 2000, outputTokens: 400 }, HAIKU, true).usd);
    expect(o.costUsd).toBeCloseTo(
      (2000 * HAIKU.pricing.inputPerMTok + 400 * HAIKU.pricing.outputPerMTok) / 1e6,
      9,
    );
    expect(o.costHypothetical).toBe(true);
    expect(
      observationOf(run({ model: { kind: 'bedrock', label: 'Amazon Bedrock' } }), HAIKU).costHypothetical,
    ).toBe(false);
  });

  it('reports a failed run', () => {
    expect(observationOf(run({ status: 'timeout', reason: 'too slow' })).failure).toBe('timeout: too slow');
  });
});

const SUITE = parseSuite(`
name: main
settings: { repetitions: 2, concurrency: 3, threshold: 0.5, tagThresholds: { tools: 1 } }
cases:
  - id: calc
    tags: [tools]
    input: use calculator
    assertions: [{ type: tool-called, name: calculator }, { type: judge, rubric: "Gives the result of the calculation." }]
  - id: polite
    tags: [tone]
    input: hello
    assertions: [{ type: contains, value: hello }]
  - id: refuses
    tags: [safety]
    input: delete everything
    assertions: [{ type: contains, value: cannot }]
`);

/** A stand-in agent for the orchestration: calls a tool when asked to, echoes otherwise. */
const echoAgent =
  (latency = 100): CaseExecutor =>
  async (turns, { runtimeSessionId }) =>
    turns.map((input, i) => ({
      id: `${runtimeSessionId}-${i}`,
      status: 'succeeded',
      output: `you said ${input}`,
      toolCalls: input.includes('calculator') ? [{ toolUseId: 't', name: 'calculator', input: {} }] : [],
      metrics: {
        totalLatencyMs: latency,
        timeToFirstTokenMs: 10,
        installMs: 0,
        buildMs: 0,
        inputTokens: 100,
        outputTokens: 10,
        toolCalls: 0,
        exitCode: null,
        status: 'succeeded',
      },
      model: { kind: 'offline', label: 'offline model' },
    }));

describe('running a suite', () => {
  it('runs every repetition, skips judges offline, sums up and holds the result against the thresholds', async () => {
    const events: string[] = [];
    const result = await runSuite(SUITE, echoAgent(), {
      price: HAIKU,
      onEvent: (e) => {
        events.push(e.type);
      },
    });
    expect(result.cases.map((c) => [c.id, c.passed])).toEqual([
      ['calc', true],
      ['polite', true],
      ['refuses', false],
    ]);
    const calc = result.cases[0]?.runs[0];
    expect(calc?.assertions[1]).toMatchObject({
      type: 'judge',
      status: 'skipped',
      reason: expect.stringContaining('offline'),
    });
    expect(result.summary).toMatchObject({
      cases: 3,
      caseRuns: 6,
      passedRuns: 4,
      verdict: 'passed',
      skippedAssertions: 2,
      tags: { tools: { passRate: 1, threshold: 1, met: true }, safety: { passRate: 0, met: true } },
      p50LatencyMs: 100,
      costHypothetical: true,
    });
    expect(result.summary.totalCostUsd).toBeCloseTo(
      6 * runCost({ inputTokens: 100, outputTokens: 10 }, HAIKU, true).usd,
      9,
    );
    expect(events.filter((e) => e === 'case_finished')).toHaveLength(6);
    expect(events.at(-1)).toBe('suite_finished');
  });

  it('fails below a tag threshold and says why', async () => {
    const strict = Suite.parse({ ...SUITE, settings: { ...SUITE.settings, tagThresholds: { safety: 1 } } });
    const result = await runSuite(strict, echoAgent());
    expect(result.summary.verdict).toBe('failed');
    expect(result.summary.reasons.join()).toContain('tag safety');
  });

  it('fails a case whose run failed, and one whose executor threw', async () => {
    const result = await runSuite(SUITE, async (turns) => {
      if (turns[0] === 'hello') throw new Error('no slot');
      return [{ status: 'timeout', reason: 'stopped', output: '' }];
    });
    expect(result.cases.every((c) => !c.passed)).toBe(true);
    expect(result.cases[1]?.runs[0]?.failure).toContain('no slot');
    expect(result.summary.verdict).toBe('failed');
  });

  it('grades judge assertions with a real model (an OpenAI-compatible endpoint)', async () => {
    const judgeModel = await startScriptedOpenAi((request) => {
      const prompt = JSON.stringify(request.messages);
      return {
        text: prompt.includes('you said use calculator')
          ? '{"pass": true, "reason": "gives the result"}'
          : 'no idea',
      };
    });
    try {
      const judge = modelJudge(
        openAiCompatibleBackend({ baseUrl: judgeModel.baseUrl, model: 'judge-1' }),
        'judge-1',
      );
      const result = await runSuite(SUITE, echoAgent(), { ...(judge ? { judge } : {}) });
      expect(result.judge).toContain('judge-1');
      const outcome = result.cases[0]?.runs[0]?.assertions[1];
      expect(outcome).toMatchObject({
        status: 'passed',
        reason: expect.stringContaining('gives the result'),
      });
      expect(judgeModel.requests).toHaveLength(2);
      expect(JSON.stringify(judgeModel.requests[0]?.messages)).toContain(
        'Gives the result of the calculation.',
      );
    } finally {
      await judgeModel.close();
    }
  });

  it('fails a judge assertion when the judge gives no verdict, and has no judge offline', async () => {
    const judgeModel = await startScriptedOpenAi(() => ({ text: 'I think it is fine' }));
    try {
      const judge = modelJudge(openAiCompatibleBackend({ baseUrl: judgeModel.baseUrl, model: 'j' }), 'j');
      expect(judge).toBeDefined();
      const outcome = await judge?.grade({
        conversation: ['q'],
        answer: 'a',
        rubric: 'answers the question',
      });
      expect(outcome?.status).toBe('failed');
    } finally {
      await judgeModel.close();
    }
    expect(modelJudge(offlineBackend(), 'any')).toBeUndefined();
    expect(readVerdict('Sure: ```json\n{"pass": false, "reason": "no"}\n```')).toEqual({
      pass: false,
      reason: 'no',
    });
  });
});

describe('comparing results', () => {
  it('marks a regression, a fix and a cost or latency move beyond the threshold', async () => {
    const before = await runSuite(SUITE, echoAgent(100));
    const after = await runSuite(SUITE, async (turns, ctx) => {
      const runs = await echoAgent(turns[0] === 'hello' ? 200 : 105)(turns, ctx);
      return runs.map((r) =>
        turns[0] === 'use calculator'
          ? { ...r, toolCalls: [] }
          : turns[0] === 'delete everything'
            ? { ...r, output: 'I cannot' }
            : r,
      );
    });
    const comparison = compareResults(before, after, 0.2);
    const byId = Object.fromEntries(comparison.cases.map((c) => [c.caseId, c]));
    expect(byId.calc?.outcome).toBe('regressed');
    expect(byId.refuses?.outcome).toBe('fixed');
    expect(byId.polite).toMatchObject({ outcome: 'still-passing', moved: ['latency +100%'] });
    expect(byId.calc?.moved).toEqual([]);
    expect(comparison).toMatchObject({ fixed: 1, regressed: 1, moved: 1 });
  });
});

describe('JUnit XML', () => {
  it('is well-formed and has one testcase per case run, with failures', async () => {
    const result = await runSuite(Suite.parse({ ...SUITE, name: 'main <&> "suite"' }), async (turns, ctx) =>
      (await echoAgent()(turns, ctx)).map((r) => ({ ...r, output: `${r.output} \u0007 </x> ]]>` })),
    );
    const xml = toJUnit(result);
    expect(xmlParser.validate(xml)).toBe(true);
    const parsed = xmlParser.parse(xml, { ignoreAttributes: false }) as {
      testsuites: { testsuite: { '@_tests': string; '@_failures': string; testcase: unknown[] } };
    };
    expect(parsed.testsuites.testsuite['@_tests']).toBe('6');
    expect(parsed.testsuites.testsuite['@_failures']).toBe('2');
    expect(parsed.testsuites.testsuite.testcase).toHaveLength(6);
  });
});

describe('percentiles', () => {
  it('uses the nearest rank', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(
      percentile(
        Array.from({ length: 20 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(19);
    expect(percentile([], 95)).toBe(0);
  });
});
