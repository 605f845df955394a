import type { z } from 'zod';
import { ValidationError } from './errors.ts';
import { zodProblems } from './zod-problems.ts';

/**
 * Parses one registry data file (`registry-data/*.json`) with the schema the code uses, and checks that
 * ids are unique. A bad entry fails with its index and field, e.g. `models[12].pricing.inputPerMTok`.
 */
export function parseRegistryFile<S extends z.ZodType<{ id: string }>>(
  name: string,
  schema: S,
  data: unknown,
): z.infer<S>[] {
  if (typeof data !== 'object' || data === null || !Array.isArray((data as Record<string, unknown>)[name])) {
    throw new ValidationError(`registry file must be an object with a "${name}" array`, [
      { path: name, message: 'expected an array' },
    ]);
  }
  const entries = (data as Record<string, unknown[]>)[name] ?? [];
  const problems = [];
  const parsed: z.infer<S>[] = [];
  const seen = new Map<string, number>();
  for (const [index, entry] of entries.entries()) {
    const result = schema.safeParse(entry);
    if (!result.success) {
      problems.push(...zodProblems(result.error, `${name}[${index}]`));
      continue;
    }
    const previous = seen.get(result.data.id);
    if (previous !== undefined) {
      problems.push({
        path: `${name}[${index}].id`,
        message: `duplicate id "${result.data.id}" (first at ${name}[${previous}])`,
      });
    }
    seen.set(result.data.id, index);
    parsed.push(result.data);
  }
  if (problems.length > 0) {
    throw new ValidationError(`${name} registry has ${problems.length} invalid field(s)`, problems);
  }
  return parsed;
}
