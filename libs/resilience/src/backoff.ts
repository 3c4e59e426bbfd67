export interface BackoffOptions {
  /** Delay before the first retry. */
  baseMs: number;
  /** No delay ever exceeds this, however many attempts failed. */
  maxMs: number;
}

/**
 * Capped exponential backoff with full jitter: a random delay between 0 and
 * `min(maxMs, baseMs * 2^attempt)`. The randomness spreads retries from many clients over time,
 * so they do not hit a recovering service in synchronized waves.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}
