import CircuitBreaker from 'opossum';
import { meter } from '@bankshop/telemetry';

export interface BreakerOptions {
  /** Open when at least this share of calls failed in the rolling window... */
  errorThresholdPercentage: number;
  /** ...and at least this many calls were made in it. */
  volumeThreshold: number;
  rollingWindowMs: number;
  /** How long to fail fast before letting one probe call through (half-open). */
  resetTimeoutMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = {
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  rollingWindowMs: 10_000,
  resetTimeoutMs: 5_000,
};

export type CircuitState = 'closed' | 'halfOpen' | 'open';

/** Circuit states as numbers for the gauge: closed 0, half-open 1, open 2. */
const STATE_VALUE: Record<CircuitState, number> = { closed: 0, halfOpen: 1, open: 2 };

const breakers = new Map<string, CircuitBreaker>();

meter()
  .createObservableGauge('bankshop.circuit.state', {
    description: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open',
  })
  .addCallback((result) => {
    for (const [upstream, breaker] of breakers) result.observe(STATE_VALUE[stateOf(breaker)], { upstream });
  });

/**
 * An opossum circuit breaker for one upstream, reported in the `bankshop.circuit.state` gauge.
 * Our callers apply their own timeouts, so opossum's is off.
 */
export function createCircuitBreaker<TArgs extends unknown[], TResult>(
  upstream: string,
  action: (...args: TArgs) => Promise<TResult>,
  options: BreakerOptions = DEFAULT_BREAKER,
): CircuitBreaker<TArgs, TResult> {
  const breaker = new CircuitBreaker(action, {
    name: upstream,
    timeout: false,
    errorThresholdPercentage: options.errorThresholdPercentage,
    volumeThreshold: options.volumeThreshold,
    rollingCountTimeout: options.rollingWindowMs,
    resetTimeout: options.resetTimeoutMs,
  });
  breakers.set(upstream, breaker);
  return breaker;
}

export function stateOf(breaker: CircuitBreaker): CircuitState {
  return breaker.opened ? 'open' : breaker.halfOpen ? 'halfOpen' : 'closed';
}
