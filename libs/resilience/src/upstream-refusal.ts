import type { UpstreamResponse } from './upstream-errors.ts';

/**
 * Another service answered with a 4xx problem: it understood the request and said no, with a
 * stable `code` (INSUFFICIENT_FUNDS, ACCOUNT_FROZEN, ...). Unlike an outage, this is an answer.
 */
export class UpstreamRefusal extends Error {
  override readonly name = 'UpstreamRefusal';

  constructor(
    readonly upstream: string,
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${upstream} refused (${status} ${code}): ${detail}`);
  }
}

export function refusalOf(upstream: string, status: number, body: unknown): UpstreamRefusal {
  const problem = (body ?? {}) as { code?: unknown; detail?: unknown };
  return new UpstreamRefusal(
    upstream,
    status,
    typeof problem.code === 'string' ? problem.code : `HTTP_${status}`,
    typeof problem.detail === 'string' ? problem.detail : 'no detail',
  );
}

/** A 2xx body; a 4xx/5xx problem becomes an `UpstreamRefusal`, for the caller to classify. */
export function bodyOrRefusal<T>(upstream: string, response: UpstreamResponse<T>): T {
  if (response.status >= 200 && response.status < 300) return response.body;
  throw refusalOf(upstream, response.status, response.body);
}
