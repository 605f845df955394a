import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Agent } from '@strands-agents/sdk';
import { parse } from 'yaml';

/**
 * Runs an evaluation suite (evals/*.yaml, format: evals/suite.schema.json) against this agent, with
 * the same semantics as the Agent Builder platform's evaluations: every case's assertions on the
 * answer, the tools called, tokens, cost and latency; judge assertions graded by a model.
 */

export type Assertion = { type: string; note?: string } & Record<string, unknown>;
export interface EvalCase {
  id: string;
  input?: string;
  conversation?: string[];
  tags?: string[];
  assertions: Assertion[];
}
export interface Suite {
  name: string;
  settings: { repetitions: number; concurrency: number; threshold: number; tagThresholds: Record<string, number> };
  cases: EvalCase[];
}
export interface Observation {
  answer: string;
  toolCalls: { name: string; input: unknown; error?: string }[];
  inputTokens: number;
  outputTokens: number;
  costUsd?: number;
  latencyMs: number;
  ttftMs: number | null;
}
export interface Outcome {
  type: string;
  status: 'passed' | 'failed' | 'skipped';
  reason: string;
}
export interface CaseRun {
  caseId: string;
  tags: string[];
  status: 'passed' | 'failed';
  assertions: Outcome[];
  observation: Observation;
  failure?: string;
}
/** Grades an answer against a rubric; answers the model's reply text. */
export type Judge = (prompt: string) => Promise<string>;
/** USD per million tokens of the agent's model (evals/model-price.json). */
export interface Price {
  inputPerMTok: number;
  outputPerMTok: number;
}

const TYPES = new Set(['contains', 'not-contains', 'regex', 'equals', 'json', 'length', 'judge', 'tool-called', 'tool-not-called', 'tool-order', 'model-calls', 'tokens', 'cost', 'latency', 'ttft']);

/** Reads a suite, filling in the defaults; a problem names the case and assertion. */
export function loadSuite(text: string): Suite {
  const raw = parse(text) as { name?: unknown; settings?: Partial<Suite['settings']>; cases?: unknown };
  if (!raw || typeof raw.name !== 'string' || !Array.isArray(raw.cases) || raw.cases.length === 0)
    throw new Error('a suite needs a name and at least one case (see evals/suite.schema.json)');
  const cases = raw.cases as EvalCase[];
  for (const [i, c] of cases.entries()) {
    if (!c.id || (c.input === undefined) === (c.conversation === undefined))
      throw new Error(`cases[${i}]: give an id and either input or conversation`);
    for (const [j, a] of (c.assertions ?? []).entries())
      if (!TYPES.has(a.type)) throw new Error(`cases[${i}].assertions[${j}]: unknown type ${JSON.stringify(a.type)}`);
  }
  const s = raw.settings ?? {};
  return {
    name: raw.name,
    settings: { repetitions: s.repetitions ?? 1, concurrency: s.concurrency ?? 2, threshold: s.threshold ?? 1, tagThresholds: s.tagThresholds ?? {} },
    cases,
  };
}

function partial(actual: unknown, expected: unknown): boolean {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected))
    return actual !== null && typeof actual === 'object' && !Array.isArray(actual) && Object.entries(expected).every(([k, v]) => partial((actual as Record<string, unknown>)[k], v));
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((v, i) => partial(actual[i], v));
  return Object.is(actual, expected);
}

const ajv = new Ajv2020({ allErrors: true, strict: false });

/** One assertion on an observation (judge assertions are graded in runSuite). */
export function check(a: Assertion, o: Observation): Outcome {
  const ok = (pass: boolean, reason: string): Outcome => ({ type: a.type, status: pass ? 'passed' : 'failed', reason });
  const fold = (s: string) => (a.caseSensitive ? s : s.toLowerCase());
  const names = o.toolCalls.map((c) => c.name);
  switch (a.type) {
    case 'contains':
      return ok(fold(o.answer).includes(fold(String(a.value))), `answer contains ${JSON.stringify(a.value)}`);
    case 'not-contains':
      return ok(!fold(o.answer).includes(fold(String(a.value))), `answer does not contain ${JSON.stringify(a.value)}`);
    case 'regex':
      return ok(new RegExp(String(a.pattern), (a.flags as string | undefined) ?? '').test(o.answer), `answer matches /${a.pattern}/`);
    case 'equals':
      return ok(a.trim === false ? o.answer === a.value : o.answer.trim() === String(a.value).trim(), 'answer equals the expected text');
    case 'json': {
      let value: unknown;
      try {
        value = JSON.parse(/^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(o.answer)?.[1] ?? o.answer);
      } catch (error) {
        return ok(false, `answer is not JSON (${(error as Error).message})`);
      }
      if (!a.schema) return ok(true, 'answer is JSON');
      const validate = ajv.compile(a.schema as object);
      return ok(validate(value), `answer matches the schema${validate.errors ? `: ${ajv.errorsText(validate.errors)}` : ''}`);
    }
    case 'length': {
      const n = [...o.answer].length;
      return ok((a.min === undefined || n >= Number(a.min)) && (a.max === undefined || n <= Number(a.max)), `answer has ${n} characters`);
    }
    case 'tool-called': {
      const calls = o.toolCalls.filter((c) => c.name === a.name);
      const pattern = a.argsPattern ? new RegExp(String(a.argsPattern)) : undefined;
      const match = calls.some((c) => (a.args === undefined || partial(c.input, a.args)) && (!pattern || pattern.test(JSON.stringify(c.input ?? {}))));
      return ok(match, `${a.name} called${a.args || a.argsPattern ? ' with the expected arguments' : ''} (calls: ${names.join(', ') || 'none'})`);
    }
    case 'tool-not-called':
      return ok(!names.includes(String(a.name)), `${a.name} not called (calls: ${names.join(', ') || 'none'})`);
    case 'tool-order': {
      let at = 0;
      const inOrder = (a.names as string[]).every((n) => (at = names.indexOf(n, at) + 1) > 0);
      return ok(inOrder, `called in order ${(a.names as string[]).join(' → ')} (calls: ${names.join(', ') || 'none'})`);
    }
    case 'model-calls':
      return { type: a.type, status: 'skipped', reason: 'model calls are not counted here' };
    case 'tokens':
      return ok(o.inputTokens + o.outputTokens <= Number(a.max), `${o.inputTokens + o.outputTokens} tokens (at most ${a.max})`);
    case 'cost':
      return o.costUsd === undefined ? { type: a.type, status: 'skipped', reason: 'no price for this model' } : ok(o.costUsd <= Number(a.maxUsd), `$${o.costUsd} (at most $${a.maxUsd})`);
    case 'latency':
      return ok(o.latencyMs <= Number(a.maxMs), `${Math.round(o.latencyMs)} ms (at most ${a.maxMs} ms)`);
    case 'ttft':
      return ok(o.ttftMs !== null && o.ttftMs <= Number(a.maxMs), `first token after ${o.ttftMs === null ? '–' : Math.round(o.ttftMs)} ms (at most ${a.maxMs} ms)`);
    default:
      return { type: a.type, status: 'skipped', reason: 'graded by the judge' };
  }
}

/** Sends a case's messages to one agent (one conversation) and observes what happens. */
export async function observe(agent: Agent, turns: string[], price?: Price): Promise<Observation> {
  const o: Observation = { answer: '', toolCalls: [], inputTokens: 0, outputTokens: 0, latencyMs: 0, ttftMs: null };
  for (const [i, prompt] of turns.entries()) {
    const started = performance.now();
    let answer = '';
    const stream = agent.stream(prompt);
    let next = await stream.next();
    while (!next.done) {
      const event = next.value;
      if (event.type === 'modelStreamUpdateEvent' && event.event.type === 'modelContentBlockDeltaEvent' && event.event.delta.type === 'textDelta') {
        if (i === 0) o.ttftMs ??= performance.now() - started;
        answer += event.event.delta.text;
      } else if (event.type === 'beforeToolCallEvent') {
        if (i === 0) o.ttftMs ??= performance.now() - started;
        o.toolCalls.push({ name: event.toolUse.name, input: event.toolUse.input });
      } else if (event.type === 'toolResultEvent' && event.result.status === 'error') {
        const call = o.toolCalls.at(-1);
        if (call) call.error = 'the tool reported an error';
      }
      next = await stream.next();
    }
    const usage = next.value.metrics?.latestAgentInvocation?.usage;
    o.inputTokens += usage?.inputTokens ?? 0;
    o.outputTokens += usage?.outputTokens ?? 0;
    o.latencyMs += performance.now() - started;
    o.answer = answer;
  }
  if (price) o.costUsd = Math.round(o.inputTokens * price.inputPerMTok + o.outputTokens * price.outputPerMTok) / 1e6;
  return o;
}

function verdict(text: string): { pass: boolean; reason: string } | undefined {
  for (const candidate of text.match(/\{[\s\S]*\}/g) ?? []) {
    try {
      const v = JSON.parse(candidate) as { pass?: unknown; reason?: unknown };
      if (typeof v.pass === 'boolean') return { pass: v.pass, reason: String(v.reason ?? '') };
    } catch {
      // not this one
    }
  }
  return undefined;
}

export const JUDGE_PROMPT =
  'You grade the answer of an AI agent against a rubric. Reply with one JSON object and nothing else: {"pass": true|false, "reason": "<one sentence>"}.';

/** Runs every case `repetitions` times, `concurrency` at a time, each with a new agent. */
export async function runSuite(suite: Suite, options: { createAgent: (c: EvalCase) => Agent; judge?: Judge; price?: Price }): Promise<CaseRun[]> {
  const tasks = suite.cases.flatMap((c) => Array.from({ length: suite.settings.repetitions }, () => c));
  const runs: CaseRun[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const c = tasks[next++] as EvalCase;
      const turns = c.conversation ?? [c.input ?? ''];
      let observation: Observation = { answer: '', toolCalls: [], inputTokens: 0, outputTokens: 0, latencyMs: 0, ttftMs: null };
      let failure: string | undefined;
      try {
        observation = await observe(options.createAgent(c), turns, options.price);
      } catch (error) {
        failure = `the agent failed: ${(error as Error).message}`;
      }
      const assertions: Outcome[] = [];
      for (const a of c.assertions) {
        if (a.type !== 'judge') assertions.push(check(a, observation));
        else if (!options.judge) assertions.push({ type: 'judge', status: 'skipped', reason: 'skipped: no judge model (EVAL_JUDGE=off)' });
        else {
          const reply = await options.judge(`Rubric:\n${a.rubric}\n\nMessages the user sent:\n${turns.join('\n')}\n\nThe agent's final answer:\n${observation.answer}`).catch((e: Error) => `error: ${e.message}`);
          const v = verdict(reply);
          assertions.push({ type: 'judge', status: v?.pass ? 'passed' : 'failed', reason: v ? v.reason : `no verdict: ${reply.slice(0, 200)}` });
        }
      }
      const status = !failure && assertions.every((a) => a.status !== 'failed') ? 'passed' : 'failed';
      runs.push({ caseId: c.id, tags: c.tags ?? [], status, assertions, observation, ...(failure ? { failure } : {}) });
    }
  };
  await Promise.all(Array.from({ length: Math.min(suite.settings.concurrency, tasks.length) }, worker));
  return runs;
}

/** The pass rate against the suite's thresholds (overall and per tag), with the reasons. */
export function summarise(suite: Suite, runs: CaseRun[]): { passRate: number; passed: boolean; reasons: string[] } {
  const rate = (rs: CaseRun[]) => (rs.length === 0 ? 1 : rs.filter((r) => r.status === 'passed').length / rs.length);
  const passRate = rate(runs);
  const reasons = passRate < suite.settings.threshold ? [`pass rate ${(passRate * 100).toFixed(1)}% is below ${(suite.settings.threshold * 100).toFixed(1)}%`] : [];
  for (const [tag, threshold] of Object.entries(suite.settings.tagThresholds)) {
    const r = rate(runs.filter((run) => run.tags.includes(tag)));
    if (r < threshold) reasons.push(`tag ${tag}: ${(r * 100).toFixed(1)}% is below ${(threshold * 100).toFixed(1)}%`);
  }
  return { passRate, passed: reasons.length === 0, reasons };
}

/** One line per case run, then the totals. */
export function report(suite: Suite, runs: CaseRun[]): string {
  const lines = runs.map((r) => {
    const o = r.observation;
    const failed = r.assertions.filter((a) => a.status === 'failed').map((a) => `${a.type}: ${a.reason}`);
    return `${r.status === 'passed' ? 'PASS' : 'FAIL'} ${r.caseId}  ${Math.round(o.latencyMs)} ms  ${o.inputTokens + o.outputTokens} tokens${o.costUsd !== undefined ? `  $${o.costUsd}` : ''}${[r.failure, ...failed].filter(Boolean).map((f) => `\n     ${f}`).join('')}`;
  });
  const summary = summarise(suite, runs);
  return [...lines, `${suite.name}: ${(summary.passRate * 100).toFixed(1)}% passed (threshold ${(suite.settings.threshold * 100).toFixed(1)}%)`, ...summary.reasons].join('\n');
}
