import { UpstreamTimeoutError, UpstreamUnavailableError } from '@bankshop/contracts';

/** The upstream answered with a 5xx: it exists but is failing, which counts against its breaker. */
export class UpstreamServerError extends Error {
  override readonly name = 'UpstreamServerError';

  constructor(
    readonly upstream: string,
    readonly response: UpstreamResponse,
  ) {
    super(`${upstream} answered ${response.status}`);
  }
}

export interface UpstreamResponse<TBody = unknown> {
  status: number;
  headers: Headers;
  body: TBody;
}

export { UpstreamTimeoutError, UpstreamUnavailableError };
