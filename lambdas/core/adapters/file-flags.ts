import { readFile, stat } from 'node:fs/promises';
import { ValidationError } from '../errors.ts';
import type { FlagSource } from '../flags/provider.ts';
import { FlagsDocument, type FlagValues } from '../flags/rollout.ts';
import { zodProblems } from '../zod-problems.ts';

/**
 * The local flags: the bundled defaults (`registry-data/flags.json`) overridden flag by flag by an
 * operator's file (`.data/flags.json`, same format; `values` may name only the flags it changes). The
 * file is checked on every read (a `stat`), so an edit is picked up by the next request, no restart.
 */
export class FileFlagSource implements FlagSource {
  private seen: string | undefined;
  private values: FlagValues;
  private readonly listeners: (() => void)[] = [];
  readonly description: string;

  constructor(
    private readonly defaults: FlagValues,
    private readonly overridePath: string,
  ) {
    this.values = defaults;
    this.description = `registry-data/flags.json overridden by ${overridePath}`;
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  async load(): Promise<FlagValues> {
    const info = await stat(this.overridePath).catch(() => undefined);
    const key = info ? `${info.mtimeMs}:${info.size}:${info.ino}` : 'none';
    if (key === this.seen) return this.values;
    const override = info ? await readOverride(this.overridePath) : {};
    this.values = { ...this.defaults, ...override };
    const changed = this.seen !== undefined;
    this.seen = key;
    if (changed) for (const listener of this.listeners) listener();
    return this.values;
  }
}

/** The values of an override file: a whole flags document, or just its `values`. */
async function readOverride(path: string): Promise<FlagValues> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ValidationError(`${path} is not JSON (${(error as Error).message})`);
  }
  const values =
    typeof data === 'object' && data !== null && 'values' in data
      ? (data as { values: unknown }).values
      : data;
  const parsed = FlagsDocument.shape.values.safeParse(values);
  if (!parsed.success)
    throw new ValidationError(`${path} is not a valid flags file`, zodProblems(parsed.error, 'values'));
  return parsed.data;
}
