import type { ErrorCode } from '@bankshop/contracts';

interface ProblemType {
  status: number;
  title: string;
}

/**
 * The one place where a stable error code becomes an HTTP status and a problem title. Domain
 * code throws errors with codes and never mentions HTTP.
 */
export const ERROR_CATALOG: Record<ErrorCode, ProblemType> = {
  VALIDATION_FAILED: { status: 400, title: 'The request is invalid' },
  IDEMPOTENCY_KEY_REQUIRED: { status: 400, title: 'An Idempotency-Key header is required' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  INVALID_CREDENTIALS: { status: 401, title: 'Invalid email or password' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  ACCOUNT_NOT_FOUND: { status: 404, title: 'Account not found' },
  TRANSFER_NOT_FOUND: { status: 404, title: 'Transfer not found' },
  ORDER_NOT_FOUND: { status: 404, title: 'Order not found' },
  PAYMENT_NOT_FOUND: { status: 404, title: 'Payment not found' },
  HOLD_NOT_FOUND: { status: 404, title: 'Hold not found' },
  RESERVATION_NOT_FOUND: { status: 404, title: 'Reservation not found' },
  EMAIL_TAKEN: { status: 409, title: 'Email already registered' },
  SKU_TAKEN: { status: 409, title: 'SKU already exists' },
  ACCOUNT_FROZEN: { status: 409, title: 'Account is frozen' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, title: 'A request with this Idempotency-Key is in progress' },
  ORDER_NOT_CANCELLABLE: { status: 409, title: 'Order cannot be cancelled' },
  HOLD_NOT_OPEN: { status: 409, title: 'Hold is no longer open' },
  CONCURRENT_UPDATE: { status: 409, title: 'Too many concurrent updates; retry' },
  RESERVATION_NOT_ACTIVE: { status: 409, title: 'Reservation is no longer active' },
  OUT_OF_STOCK: { status: 422, title: 'Not enough stock' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Request body too large' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency-Key reused with a different request' },
  INSUFFICIENT_FUNDS: { status: 422, title: 'Insufficient funds' },
  SAME_ACCOUNT: { status: 422, title: 'Source and destination are the same account' },
  CURRENCY_MISMATCH: { status: 422, title: 'Currencies do not match' },
  RISK_REJECTED: { status: 422, title: 'Rejected by risk checks' },
  PRODUCT_NOT_FOUND: { status: 422, title: 'Product not found' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  INTERNAL_ERROR: { status: 500, title: 'Internal server error' },
  UPSTREAM_UNAVAILABLE: { status: 503, title: 'A service this request needs is unavailable' },
  UPSTREAM_TIMEOUT: { status: 504, title: 'A service this request needs did not answer in time' },
};

/** Problem type URIs identify the code; they are documented in the OpenAPI description. */
export function problemType(code: ErrorCode): string {
  return `urn:bankshop:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}
