/**
 * An answer already decided (a stored idempotent response, or a business failure as it was
 * stored), which the exception filter sends verbatim. Thrown rather than returned because only an
 * exception path lets us choose the status code of a route.
 */
export class PreparedResponse {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly replayed: boolean,
    /** For a 503: when to try again (a replay of a stored 503 says 1 s). */
    readonly retryAfterSeconds?: number,
  ) {}
}
