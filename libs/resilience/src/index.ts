export {
  CircuitOpenError,
  UpstreamClient,
  type BreakerOptions,
  type UpstreamOptions,
  type UpstreamRequest,
} from './upstream-client.ts';
export { backoffDelay, type BackoffOptions } from './backoff.ts';
export {
  UpstreamServerError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  type UpstreamResponse,
} from './upstream-errors.ts';
