import type { DynamoDbTable } from '../core/adapters/dynamodb-table.ts';
import { RateLimitedError } from '../core/errors.ts';
import type { RunnerSlots } from './ports.ts';

interface Holder {
  id: string;
  /** When the holder is reported lost at the latest (its run's deadline), epoch ms. */
  until: number;
}

/**
 * Concurrent runner tasks, capped per user and in total: `SLOTS#<sub>` and `SLOTS#ALL` items list who
 * holds a slot and until when, written conditionally on their version (dynalite has no transactions).
 * A holder whose deadline passed no longer counts, so a runner that died without reporting frees its
 * slot by itself.
 */
export class DynamoDbRunnerSlots implements RunnerSlots {
  constructor(
    private readonly table: DynamoDbTable,
    private readonly limits: { perUser: number; total: number },
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(owner: string, id: string, until: Date): Promise<void> {
    const holder = { id, until: until.getTime() };
    const total = await this.change('ALL', (holders) => {
      if (holders.length >= this.limits.total)
        return `${holders.length} test tasks are running on this platform, its limit; try again when one finishes`;
      return [...holders, holder];
    });
    if (typeof total === 'string') throw this.busy(total);
    const mine = await this.change(owner, (holders) => {
      if (holders.length >= this.limits.perUser)
        return `you have ${holders.length} builds or runs going, the most one builder may run at once; wait for one to finish or cancel one`;
      return [...holders, holder];
    });
    if (typeof mine === 'string') {
      await this.change('ALL', (holders) => holders.filter((h) => h.id !== id));
      throw this.busy(mine);
    }
  }

  async release(owner: string, id: string): Promise<void> {
    await this.change(owner, (holders) => holders.filter((h) => h.id !== id));
    await this.change('ALL', (holders) => holders.filter((h) => h.id !== id));
  }

  private busy(message: string): RateLimitedError {
    return new RateLimitedError(message, 30);
  }

  /** Applies `update` to the live holders of one slot item, retrying on a concurrent write. */
  private async change(
    who: string,
    update: (holders: Holder[]) => Holder[] | string,
  ): Promise<Holder[] | string> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const key = { PK: `SLOTS#${who}`, SK: 'META' };
      const item = await this.table.get(key, { consistent: true });
      const version = typeof item?.version === 'number' ? item.version : 0;
      const live = ((item?.holders as Holder[] | undefined) ?? []).filter((h) => h.until > this.now());
      const next = update(live);
      if (typeof next === 'string') return next;
      const written = await this.table.putIf(
        { ...key, type: 'slots', holders: next, version: version + 1 },
        item ? { version } : { absent: true },
      );
      if (written) return next;
    }
    throw new RateLimitedError('the platform is busy starting test tasks; try again in a few seconds', 5);
  }
}
