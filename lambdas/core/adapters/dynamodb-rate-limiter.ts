import { RateLimitedError } from '../errors.ts';
import type { RateLimiter } from '../ports.ts';
import type { DynamoDbTable } from './dynamodb-table.ts';

const HOUR_MS = 3_600_000;

/**
 * Hourly quotas as counters in the single table: `RATE#sub#action / HOUR#n` (n counts hours since the
 * epoch), expiring an hour after their hour ends.
 */
export class DynamoDbRateLimiter implements RateLimiter {
  constructor(private readonly table: DynamoDbTable) {}

  async hit(owner: string, action: string, limit: number): Promise<void> {
    const now = Date.now();
    const hour = Math.floor(now / HOUR_MS);
    const counted = await this.table.incrementBelow(
      { PK: `RATE#${owner}#${action}`, SK: `HOUR#${hour}` },
      limit,
      Math.floor(now / 1000) + 7200,
    );
    if (counted) return;
    const retryAfter = Math.ceil(((hour + 1) * HOUR_MS - now) / 1000);
    throw new RateLimitedError(
      `you can ${action} at most ${limit} times an hour; try again in ${Math.ceil(retryAfter / 60)} minutes`,
      retryAfter,
    );
  }
}
