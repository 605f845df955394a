import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import type { Observation } from './observation.ts';
import type { Assertion } from './suite.ts';

/** The outcome of one assertion on one case run, with the reason in words a builder can act on. */
export const AssertionOutcome = z.object({
  type: z.string(),
  status: z.enum(['passed', 'failed', 'skipped']),
  reason: z.string(),
});
export type AssertionOutcome = z.infer<typeof AssertionOutcome>;

const passed = (type: string, reason: string): AssertionOutcome => ({ type, status: 'passed', reason });
const failed = (type: string, reason: string): AssertionOutcome => ({ type, status: 'failed', reason });
const skipped = (type: string, reason: string): AssertionOutcome => ({ type, status: 'skipped', reason });

const quote = (s: string, max = 80) => JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);

/** True when `actual` holds everything in `expected`: objects partially (recursively), everything else exactly. */
export function matchesPartial(actual: unknown, expected: unknown): boolean {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([key, value]) =>
      matchesPartial((actual as Record<string, unknown>)[key], value),
    );
  }
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((value, i) => matchesPartial(actual[i], value))
    );
  }
  return Object.is(actual, expected);
}

let ajv: Ajv2020 | undefined;
/** One validator for every suite: compiled schemas are cached by the schema object. */
const validator = () => {
  ajv ??= new Ajv2020({ allErrors: true, strict: false });
  return ajv;
};

/** Parses an answer as JSON, also when a model wrapped it in a ```json fence. */
function parseJson(answer: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(answer);
  try {
    return { ok: true, value: JSON.parse(fenced?.[1] ?? answer) as unknown };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/**
 * Checks one assertion against an observation. Pure and synchronous; judge assertions need a model
 * and are graded elsewhere (`judge.ts`): here they are reported skipped.
 */
export function checkAssertion(assertion: Assertion, o: Observation): AssertionOutcome {
  const t = assertion.type;
  switch (assertion.type) {
    case 'contains':
    case 'not-contains': {
      const fold = (s: string) => (assertion.caseSensitive ? s : s.toLowerCase());
      const found = fold(o.answer).includes(fold(assertion.value));
      const want = assertion.type === 'contains';
      if (found === want)
        return passed(t, `the answer ${found ? 'contains' : 'does not contain'} ${quote(assertion.value)}`);
      return failed(
        t,
        found
          ? `the answer contains ${quote(assertion.value)}`
          : `the answer does not contain ${quote(assertion.value)}; it was ${quote(o.answer)}`,
      );
    }
    case 'regex': {
      const match = new RegExp(assertion.pattern, assertion.flags).exec(o.answer);
      return match
        ? passed(t, `/${assertion.pattern}/ matched ${quote(match[0])}`)
        : failed(t, `/${assertion.pattern}/ did not match the answer ${quote(o.answer)}`);
    }
    case 'equals': {
      const norm = (s: string) => (assertion.trim ? s.trim() : s);
      return norm(o.answer) === norm(assertion.value)
        ? passed(t, 'the answer is exactly the expected text')
        : failed(t, `expected ${quote(assertion.value)}, got ${quote(o.answer)}`);
    }
    case 'json': {
      const parsed = parseJson(o.answer);
      if (!parsed.ok) return failed(t, `the answer is not JSON (${parsed.error})`);
      if (!assertion.schema) return passed(t, 'the answer is valid JSON');
      let validate: ReturnType<Ajv2020['compile']>;
      try {
        validate = validator().compile(assertion.schema);
      } catch (error) {
        return failed(t, `the assertion's schema is not a valid JSON Schema: ${(error as Error).message}`);
      }
      if (validate(parsed.value)) return passed(t, 'the answer is JSON matching the schema');
      const errors = (validate.errors ?? [])
        .slice(0, 3)
        .map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
      return failed(t, `the answer's JSON does not match the schema: ${errors.join('; ')}`);
    }
    case 'length': {
      const n = [...o.answer].length;
      if (assertion.min !== undefined && n < assertion.min)
        return failed(t, `the answer has ${n} characters, fewer than ${assertion.min}`);
      if (assertion.max !== undefined && n > assertion.max)
        return failed(t, `the answer has ${n} characters, more than ${assertion.max}`);
      return passed(t, `the answer has ${n} characters`);
    }
    case 'judge':
      return skipped(t, 'judged by a model (not checked here)');
    case 'tool-called': {
      const named = o.toolCalls.filter((c) => c.name === assertion.name);
      if (named.length === 0) {
        const called = o.toolCalls.map((c) => c.name);
        return failed(
          t,
          `${assertion.name} was not called (${called.length > 0 ? `called: ${called.join(', ')}` : 'no tool was called'})`,
        );
      }
      const pattern = assertion.argsPattern ? new RegExp(assertion.argsPattern) : undefined;
      const matching = named.filter(
        (c) =>
          (assertion.args === undefined || matchesPartial(c.input, assertion.args)) &&
          (pattern === undefined || pattern.test(JSON.stringify(c.input ?? {}))),
      );
      if (matching.length > 0)
        return passed(t, `${assertion.name} was called with ${JSON.stringify(matching[0]?.input ?? {})}`);
      return failed(
        t,
        `${assertion.name} was called, but not with the expected arguments (got ${named
          .map((c) => JSON.stringify(c.input ?? {}))
          .join(', ')})`,
      );
    }
    case 'tool-not-called': {
      const count = o.toolCalls.filter((c) => c.name === assertion.name).length;
      return count === 0
        ? passed(t, `${assertion.name} was not called`)
        : failed(t, `${assertion.name} was called ${count} time${count === 1 ? '' : 's'}`);
    }
    case 'tool-order': {
      const calls = o.toolCalls.map((c) => c.name);
      let at = 0;
      for (const name of assertion.names) {
        const found = calls.indexOf(name, at);
        if (found === -1)
          return failed(
            t,
            `expected ${assertion.names.join(' → ')}; ${name} was not called after the earlier ones (calls: ${calls.join(', ') || 'none'})`,
          );
        at = found + 1;
      }
      return passed(t, `called in order: ${assertion.names.join(' → ')}`);
    }
    case 'model-calls':
      if (o.modelCalls === undefined)
        return skipped(t, 'this run did not record its model calls (runs with traces do)');
      return o.modelCalls <= assertion.max
        ? passed(t, `${o.modelCalls} model calls (at most ${assertion.max})`)
        : failed(t, `${o.modelCalls} model calls, more than ${assertion.max}`);
    case 'tokens': {
      const total = o.inputTokens + o.outputTokens;
      return total <= assertion.max
        ? passed(t, `${total} tokens (at most ${assertion.max})`)
        : failed(
            t,
            `${total} tokens (${o.inputTokens} in, ${o.outputTokens} out), more than ${assertion.max}`,
          );
    }
    case 'cost': {
      if (o.costUsd === undefined)
        return skipped(t, "the agent's model has no registry price, so the run's cost is unknown");
      const what = o.costHypothetical ? ' (priced at the agent model’s rate; another model answered)' : '';
      return o.costUsd <= assertion.maxUsd
        ? passed(t, `$${o.costUsd} (at most $${assertion.maxUsd})${what}`)
        : failed(t, `$${o.costUsd}, more than $${assertion.maxUsd}${what}`);
    }
    case 'latency':
      return o.latencyMs <= assertion.maxMs
        ? passed(t, `${Math.round(o.latencyMs)} ms (at most ${assertion.maxMs} ms)`)
        : failed(t, `${Math.round(o.latencyMs)} ms, more than ${assertion.maxMs} ms`);
    case 'ttft':
      if (o.ttftMs === null) return failed(t, 'nothing was streamed, so there was no first token');
      return o.ttftMs <= assertion.maxMs
        ? passed(t, `first token after ${Math.round(o.ttftMs)} ms (at most ${assertion.maxMs} ms)`)
        : failed(t, `first token after ${Math.round(o.ttftMs)} ms, more than ${assertion.maxMs} ms`);
  }
}
