export { CircuitOpenError, UpstreamClient, type UpstreamOptions, type UpstreamRequest } from './upstream-client.ts';
export {
  createCircuitBreaker,
  DEFAULT_BREAKER,
  stateOf,
  type BreakerOptions,
  type CircuitState,
} from './circuit-breaker.ts';
export { backoffDelay, type BackoffOptions } from './backoff.ts';
export {
  UpstreamServerError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  type UpstreamResponse,
} from './upstream-errors.ts';
export { bodyOrRefusal, refusalOf, UpstreamRefusal } from './upstream-refusal.ts';
