import { RateLimitedError } from '../errors.ts';
import type { RateLimiter } from '../ports.ts';
import type { DynamoDbTable } from './dynamodb-table.ts';

const HOUR_MS = 3_600_000;
/** Clearing a full window while other requests write it: each retries on the version it lost to. */
const ATTEMPTS = 8;

/**
 * Hourly quotas as a sliding window in the single table: `RATE#sub#action / WINDOW` holds the times of
 * the uses of the last hour, so no hour boundary resets the count (a burst either side of one counts
 * once). A use is one atomic append, refused when the list is full, so concurrent requests never race;
 * only a full list is read, cleared of the uses that left the window (a write conditional on its
 * version) and tried again. The item expires an hour after the last use.
 */
export class DynamoDbRateLimiter implements RateLimiter {
  constructor(
    private readonly table: DynamoDbTable,
    private readonly now: () => number = Date.now,
  ) {}

  async hit(owner: string, action: string, limit: number, count = 1): Promise<void> {
    const key = { PK: `RATE#${owner}#${action}`, SK: 'WINDOW' };
    if (count > limit)
      throw new RateLimitedError(
        `this needs ${count} ${action} uses at once and you can ${action} at most ${limit} times an hour; make it smaller`,
        3_600,
      );
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const now = this.now();
      const expiresAt = Math.floor((now + HOUR_MS) / 1000);
      if (await this.table.appendBelow(key, Array(count).fill(now), limit, expiresAt)) return;
      const stored = await this.table.get(key, { consistent: true });
      const version = typeof stored?.version === 'number' ? stored.version : undefined;
      const uses = (Array.isArray(stored?.uses) ? (stored.uses as number[]) : [])
        .filter((at) => at > now - HOUR_MS)
        .sort((a, b) => a - b);
      if (uses.length + count > limit) {
        // The window has room again when the oldest uses that count leave it.
        const oldest = uses[uses.length - limit + count - 1] ?? now;
        const retryAfter = Math.max(1, Math.ceil((oldest + HOUR_MS - now) / 1000));
        throw new RateLimitedError(
          `you can ${action} at most ${limit} times an hour; try again in ${Math.ceil(retryAfter / 60)} minutes`,
          retryAfter,
        );
      }
      // Drop the uses that left the window, unless another request changed the list meanwhile.
      await this.table.putIf(
        { ...key, uses, version: (version ?? 0) + 1, expiresAt },
        version === undefined ? { absent: true } : { version },
      );
    }
    throw new RateLimitedError(`too many ${action} requests at once; try again in a second`, 1);
  }
}
