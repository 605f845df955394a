import type { z } from 'zod';
import { type FieldProblem, OutOfRangeError, ValidationError } from './errors.ts';

/** Formats a zod issue path the way a person reads it: `models[3].pricing.inputPerMTok`. */
export function formatPath(path: ReadonlyArray<PropertyKey>, root = ''): string {
  let out = root;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Every zod issue as a located problem, so callers can list all of them at once. */
export function zodProblems(error: z.ZodError, root = ''): FieldProblem[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: formatPath([...issue.path, key], root),
          message: 'unknown field; check its spelling',
        }))
      : issue.code === 'invalid_key' && issue.issues[0]
        ? // A record key that failed its own schema: say why, not just "Invalid key in record".
          [{ path: formatPath(issue.path, root), message: issue.issues[0].message }]
        : [{ path: formatPath(issue.path, root), message: issue.message }],
  );
}

const NUMERIC = new Set(['number', 'int', 'bigint']);

/** A number's own bound failed (too small or too big), not the shape of the request. */
const isOutOfRange = (issue: z.core.$ZodIssue) =>
  (issue.code === 'too_big' || issue.code === 'too_small') && NUMERIC.has(String(issue.origin));

/**
 * The error for a failed parse: OutOfRangeError (422) when every issue is a number outside its
 * bounds, else ValidationError (400); either lists every problem by path.
 */
export function invalidInput(error: z.ZodError, what: string, root = ''): OutOfRangeError | ValidationError {
  const problems = zodProblems(error, root);
  return error.issues.length > 0 && error.issues.every(isOutOfRange)
    ? new OutOfRangeError(
        `${what}: ${problems.length === 1 ? 'a number is' : 'numbers are'} out of range`,
        problems,
      )
    : new ValidationError(`${what} is not valid`, problems);
}

/** Parses `input` with `schema`, or throws a ValidationError (OutOfRangeError for bounds) listing every problem by path. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalidInput(result.error, what);
}
