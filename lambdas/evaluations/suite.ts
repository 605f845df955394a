import { Document } from 'yaml';
import { z } from 'zod';
import { parseYamlText } from '../agent-spec/parse.ts';
import { printYaml } from '../core/yaml-text.ts';
import { parseOrThrow } from '../core/zod-problems.ts';

/**
 * An evaluation suite: cases sent to an agent and assertions on what came back (the answer, the
 * trajectory of tool calls, tokens, cost and speed). Written as YAML (`evals/<name>.yaml` in a
 * generated project, stored with the session on the platform), validated here and exported as JSON
 * Schema for editors.
 */

const Text = z.string().min(1).max(10_000);
const Tag = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'use lowercase letters, digits, "-" or "_" (at most 40)');

/** A regular expression as text; it must compile. */
const Pattern = z
  .string()
  .min(1)
  .max(1_000)
  .refine(
    (p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  );
const Flags = z
  .string()
  .regex(/^[imsu]*$/, 'flags among i, m, s, u')
  .optional();
const Bound = z.number().nonnegative();

const note = { note: z.string().max(500).optional() };

/** Assertions on the agent's final answer. */
export const AnswerAssertion = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('contains'), value: Text, caseSensitive: z.boolean().default(false), ...note })
    .strict(),
  z
    .object({
      type: z.literal('not-contains'),
      value: Text,
      caseSensitive: z.boolean().default(false),
      ...note,
    })
    .strict(),
  z.object({ type: z.literal('regex'), pattern: Pattern, flags: Flags, ...note }).strict(),
  z
    .object({
      type: z.literal('equals'),
      value: z.string().max(100_000),
      trim: z.boolean().default(true),
      ...note,
    })
    .strict(),
  z
    .object({
      type: z.literal('json'),
      /** A JSON Schema the parsed answer must match; without it the answer only has to parse. */
      schema: z.record(z.string(), z.unknown()).optional(),
      ...note,
    })
    .strict(),
  z
    .object({
      type: z.literal('length'),
      min: z.number().int().nonnegative().optional(),
      max: z.number().int().positive().optional(),
      ...note,
    })
    .strict()
    .refine((a) => a.min !== undefined || a.max !== undefined, { message: 'give min, max or both' }),
  z
    .object({
      type: z.literal('judge'),
      /** What a good answer does, in words; a model grades the answer against it (real models only). */
      rubric: z.string().min(10).max(4_000),
      ...note,
    })
    .strict(),
]);

/** Assertions on the trajectory: which tools were called, with what, in which order. */
export const TrajectoryAssertion = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('tool-called'),
      name: z.string().min(1).max(200),
      /** A partial object the call's input must contain (nested objects partially, arrays and values exactly). */
      args: z.record(z.string(), z.unknown()).optional(),
      /** A regular expression matched against the call's input as JSON. */
      argsPattern: Pattern.optional(),
      ...note,
    })
    .strict(),
  z.object({ type: z.literal('tool-not-called'), name: z.string().min(1).max(200), ...note }).strict(),
  z
    .object({
      type: z.literal('tool-order'),
      /** Tools that must be called in this order (other calls may come between them). */
      names: z.array(z.string().min(1).max(200)).min(2).max(50),
      ...note,
    })
    .strict(),
  z.object({ type: z.literal('model-calls'), max: z.number().int().positive(), ...note }).strict(),
]);

/** Assertions on cost and speed: each an upper bound. */
export const BudgetAssertion = z.discriminatedUnion('type', [
  z.object({ type: z.literal('tokens'), max: Bound, ...note }).strict(),
  z.object({ type: z.literal('cost'), maxUsd: Bound, ...note }).strict(),
  z.object({ type: z.literal('latency'), maxMs: Bound, ...note }).strict(),
  z.object({ type: z.literal('ttft'), maxMs: Bound, ...note }).strict(),
]);

export const Assertion = z.discriminatedUnion('type', [
  AnswerAssertion,
  TrajectoryAssertion,
  BudgetAssertion,
]);
export type Assertion = z.infer<typeof Assertion>;
export type AssertionType = Assertion['type'];

export const EvalCase = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/, 'letters, digits, ".", "-" or "_" (at most 80)'),
    description: z.string().max(1_000).optional(),
    /** One message to the agent… */
    input: z.string().min(1).max(100_000).optional(),
    /** …or a conversation: each message sent in turn within one agent session; assertions read the whole. */
    conversation: z.array(z.string().min(1).max(100_000)).min(1).max(20).optional(),
    tags: z.array(Tag).max(20).default([]),
    assertions: z.array(Assertion).min(1).max(50),
  })
  .strict()
  .refine((c) => (c.input === undefined) !== (c.conversation === undefined), {
    message: 'give either input or conversation',
    path: ['input'],
  });
export type EvalCase = z.infer<typeof EvalCase>;

export const SuiteSettings = z
  .object({
    /** Runs of every case (more than one for non-deterministic models). */
    repetitions: z.number().int().min(1).max(20).default(1),
    /** Cases run at the same time. */
    concurrency: z.number().int().min(1).max(16).default(2),
    /** The share of case runs that must pass for the suite to pass (0–1). */
    threshold: z.number().min(0).max(1).default(1),
    /** The share that must pass among the runs of cases with a tag. */
    tagThresholds: z.record(Tag, z.number().min(0).max(1)).default({}),
    /**
     * Relative change in a case's cost or latency that a comparison with an earlier result reports
     * (0.2 = 20 %).
     */
    changeThreshold: z.number().min(0).max(10).default(0.2),
  })
  .strict();
export type SuiteSettings = z.infer<typeof SuiteSettings>;

export const Suite = z
  .object({
    name: z.string().min(1).max(100),
    description: z.string().max(2_000).optional(),
    settings: SuiteSettings.default(SuiteSettings.parse({})),
    cases: z.array(EvalCase).min(1).max(500),
  })
  .strict()
  .superRefine((suite, ctx) => {
    const seen = new Set<string>();
    suite.cases.forEach((c, i) => {
      if (seen.has(c.id))
        ctx.addIssue({
          code: 'custom',
          path: ['cases', i, 'id'],
          message: `case id "${c.id}" is used twice`,
        });
      seen.add(c.id);
    });
  });
export type Suite = z.infer<typeof Suite>;
export type SuiteInput = z.input<typeof Suite>;

/** The messages a case sends, in order. */
export const turnsOf = (c: EvalCase): string[] => c.conversation ?? [c.input ?? ''];

/** Reads a suite from YAML (or JSON) text; every problem is listed by path or by line. */
export function parseSuite(text: string, fileName = 'suite'): Suite {
  const value = parseYamlText(text, fileName);
  return parseOrThrow(Suite, value, `evaluation suite ${fileName}`);
}

/** A suite as YAML, as a builder would write it. */
export function suiteToYaml(suite: SuiteInput): string {
  return printYaml(new Document(suite), { lineWidth: 100 });
}

/** The suite format as JSON Schema (draft 2020-12), for editors and the generated projects. */
export function suiteJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://agent-builder.dev/schemas/evaluation-suite.json',
    title: 'Evaluation suite',
    ...z.toJSONSchema(Suite, { io: 'input' }),
  };
}
