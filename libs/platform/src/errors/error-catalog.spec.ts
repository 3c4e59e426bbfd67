import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '@bankshop/contracts';
import { ERROR_CATALOG, problemType } from './error-catalog.ts';

/** The status of every code, as API.md promises it to clients. */
const API_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  IDEMPOTENCY_KEY_REQUIRED: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ACCOUNT_NOT_FOUND: 404,
  TRANSFER_NOT_FOUND: 404,
  ORDER_NOT_FOUND: 404,
  PAYMENT_NOT_FOUND: 404,
  EMAIL_TAKEN: 409,
  SKU_TAKEN: 409,
  ACCOUNT_FROZEN: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  ORDER_NOT_CANCELLABLE: 409,
  PAYLOAD_TOO_LARGE: 413,
  IDEMPOTENCY_KEY_REUSED: 422,
  INSUFFICIENT_FUNDS: 422,
  SAME_ACCOUNT: 422,
  CURRENCY_MISMATCH: 422,
  RISK_REJECTED: 422,
  PRODUCT_NOT_FOUND: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  UPSTREAM_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
  // Internal routes only.
  HOLD_NOT_FOUND: 404,
  HOLD_NOT_OPEN: 409,
  CONCURRENT_UPDATE: 409,
  OUT_OF_STOCK: 422,
  RESERVATION_NOT_FOUND: 404,
  RESERVATION_NOT_ACTIVE: 409,
};

describe('ERROR_CATALOG', () => {
  it('covers every stable error code, and nothing else', () => {
    expect(Object.keys(ERROR_CATALOG).sort()).toEqual([...ERROR_CODES].sort());
  });

  it.each(ERROR_CODES)('answers %s with the status API.md gives it', (code) => {
    expect(ERROR_CATALOG[code].status).toBe(API_STATUS[code]);
  });

  it.each(ERROR_CODES)('gives %s a human title', (code) => {
    expect(ERROR_CATALOG[code].title).toMatch(/^[A-Z]/);
    expect(ERROR_CATALOG[code].title).not.toMatch(/\.$/);
  });
});

describe('problemType', () => {
  it('turns a code into a URN of its own', () => {
    expect(problemType('INSUFFICIENT_FUNDS')).toBe('urn:bankshop:problem:insufficient-funds');
  });

  it('gives every code a different type', () => {
    expect(new Set(ERROR_CODES.map(problemType)).size).toBe(ERROR_CODES.length);
  });
});
