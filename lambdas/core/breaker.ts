import CircuitBreaker from 'opossum';
import { DependencyUnavailableError, DomainError } from './errors.ts';
import type { ArtifactDeleter, ArtifactStore } from './ports.ts';

export interface BreakerOptions {
  /** Percentage of failed calls in the rolling window that opens the breaker. @default 50 */
  errorThresholdPercentage?: number;
  /** Calls in the window before the percentage counts at all. @default 5 */
  volumeThreshold?: number;
  /** The rolling window, in ms. @default 60_000 */
  rollingCountTimeout?: number;
  /** How long the breaker stays open before one trial call (half-open), in ms. @default 30_000 */
  resetTimeout?: number;
  /** A call slower than this counts as failed, in ms; false leaves timing to the caller. @default false */
  timeout?: number | false;
  /** Whether an error says the dependency is failing (not the caller's request). @default {@link dependencyFailed} */
  isFailure?: (error: unknown) => boolean;
  now?: () => number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Whether an error says the dependency itself is failing: a network error, a timeout, a 5xx or a
 * throttle. The caller's own mistakes (a typed domain error, an AWS 4xx such as AccessDenied or
 * NoSuchKey) do not count, so they never open the breaker.
 */
export function dependencyFailed(error: unknown): boolean {
  if (error instanceof DomainError) return false;
  const e = error as {
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
    name?: string;
    status?: number;
  };
  const status = e?.$metadata?.httpStatusCode ?? e?.status;
  if (status === undefined) return true; // no answer at all: network, timeout, DNS
  return status >= 500 || status === 429 || Boolean(e.$retryable) || /Throttl/i.test(e.name ?? '');
}

/**
 * A circuit breaker (opossum) around one external dependency that can fail as a whole (Bedrock, an
 * OpenAI-compatible endpoint, the artifact store). Closed, calls go through; when too many fail it
 * opens and every call is refused at once with {@link DependencyUnavailableError} (503, Retry-After)
 * instead of waiting on a dependency that is down; after `resetTimeout` one trial call (half-open)
 * closes it again or keeps it open. Retries stay the SDK's own (aws-retry.ts); this adds none.
 */
export class DependencyBreaker {
  private readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  private openedAt = 0;
  private readonly resetTimeout: number;
  private readonly now: () => number;

  constructor(
    /** What is down, in the builder's words: "Amazon Bedrock", "the artifact store (S3)". */
    readonly dependency: string,
    options: BreakerOptions = {},
  ) {
    this.resetTimeout = options.resetTimeout ?? 30_000;
    this.now = options.now ?? Date.now;
    const isFailure = options.isFailure ?? dependencyFailed;
    this.breaker = new CircuitBreaker((call: () => Promise<unknown>) => call(), {
      name: dependency,
      timeout: options.timeout ?? false,
      errorThresholdPercentage: options.errorThresholdPercentage ?? 50,
      volumeThreshold: options.volumeThreshold ?? 5,
      rollingCountTimeout: options.rollingCountTimeout ?? 60_000,
      resetTimeout: this.resetTimeout,
      // opossum counts an error as a failure unless this says otherwise.
      errorFilter: (error: unknown) => !isFailure(error),
    });
    this.breaker.on('open', () => {
      this.openedAt = this.now();
    });
  }

  get state(): BreakerState {
    return this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  /** Seconds until the breaker lets a trial call through (at least 1). */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.openedAt + this.resetTimeout - this.now()) / 1000));
  }

  /** Runs `call` through the breaker; an open breaker refuses it without calling. */
  async call<T>(call: () => Promise<T>): Promise<T> {
    try {
      return (await this.breaker.fire(call)) as T;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'EOPENBREAKER' || code === 'ESEMLOCKED')
        throw new DependencyUnavailableError(this.dependency, this.retryAfterSeconds());
      throw error;
    }
  }

  /** Stops the breaker's timers (a process that ends, a test). */
  shutdown(): void {
    this.breaker.shutdown();
  }
}

/** An artifact store whose every call goes through `breaker`. */
export function guardArtifactStore<S extends ArtifactStore & Partial<ArtifactDeleter>>(
  store: S,
  breaker: DependencyBreaker,
): ArtifactStore & (S extends ArtifactDeleter ? ArtifactDeleter : unknown) {
  const deletePrefix = store.deletePrefix?.bind(store);
  return {
    put: (key, body, contentType) => breaker.call(() => store.put(key, body, contentType)),
    get: (key) => breaker.call(() => store.get(key)),
    ...(deletePrefix ? { deletePrefix: (prefix: string) => breaker.call(() => deletePrefix(prefix)) } : {}),
  } as ArtifactStore & (S extends ArtifactDeleter ? ArtifactDeleter : unknown);
}
