/**
 * The retry strategy of every AWS SDK client of the platform, in one place: the SDK's standard mode
 * (exponential backoff with full jitter, a retry quota that stops retrying when most calls fail) and
 * at most three attempts, so a call's worst case stays bounded inside API Gateway's 30 s. There is no
 * second retry layer on top: a dependency failing as a whole is the circuit breaker's concern.
 */
export const AWS_RETRY = { maxAttempts: 3, retryMode: 'standard' } as const;
