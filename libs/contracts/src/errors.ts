/**
 * The stable error codes of the public API (API.md). Clients switch on these, so a code is never
 * renamed or reused; the HTTP status for each lives in one table in the platform library.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'INTERNAL_ERROR',
  'IDEMPOTENCY_KEY_REQUIRED',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_IN_PROGRESS',
  'EMAIL_TAKEN',
  'INVALID_CREDENTIALS',
  'ACCOUNT_NOT_FOUND',
  'ACCOUNT_FROZEN',
  'INSUFFICIENT_FUNDS',
  'SAME_ACCOUNT',
  'CURRENCY_MISMATCH',
  'RISK_REJECTED',
  'TRANSFER_NOT_FOUND',
  'PRODUCT_NOT_FOUND',
  'SKU_TAKEN',
  'ORDER_NOT_FOUND',
  'ORDER_NOT_CANCELLABLE',
  'PAYMENT_NOT_FOUND',
  // Internal routes only (service to service); never in a public answer.
  'HOLD_NOT_FOUND',
  'HOLD_NOT_OPEN',
  'CONCURRENT_UPDATE',
  'OUT_OF_STOCK',
  'RESERVATION_NOT_FOUND',
  'RESERVATION_NOT_ACTIVE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem with one request field, as listed in a 400's `errors`. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Base class for every error a business rule raises. Domain code throws these and never thinks
 * about HTTP; the platform's exception filter maps `code` to a status and a problem+json body.
 *
 * `extensions` are extra members for the problem body (for example `transferId`), so they must
 * be safe to show the caller.
 */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;

  constructor(
    message: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A request that breaks input rules; `errors` says which fields and why. */
export class ValidationFailedError extends DomainError {
  readonly code = 'VALIDATION_FAILED';

  constructor(readonly errors: readonly FieldError[]) {
    super('The request is invalid.');
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';

  constructor(message = 'A valid bearer token is required.') {
    super(message);
  }
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';

  constructor(message = 'You are not allowed to do this.') {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';

  constructor(message = 'No such resource.') {
    super(message);
  }
}

export class UpstreamUnavailableError extends DomainError {
  readonly code = 'UPSTREAM_UNAVAILABLE';

  constructor(
    readonly upstream: string,
    readonly retryAfterSeconds = 1,
    extensions: Record<string, unknown> = {},
  ) {
    super(`The ${upstream} service is unavailable. Try again shortly.`, extensions);
  }
}

export class UpstreamTimeoutError extends DomainError {
  readonly code = 'UPSTREAM_TIMEOUT';

  constructor(readonly upstream: string) {
    super(`The ${upstream} service did not answer in time.`);
  }
}
