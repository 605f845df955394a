import type { z } from 'zod';
import { type FieldProblem, ValidationError } from './errors.ts';

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

/** Parses `input` with `schema`, or throws a ValidationError listing every problem by path. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(`${what} is not valid`, zodProblems(result.error));
}
