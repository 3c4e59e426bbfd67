import { describe, expect, it } from 'vitest';
import {
  DomainError,
  ERROR_CODES,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  ValidationFailedError,
  type ErrorCode,
} from './errors.ts';

class InsufficientFundsError extends DomainError {
  readonly code = 'INSUFFICIENT_FUNDS';
}

describe('ERROR_CODES', () => {
  it('lists every code once', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it('spells every code in SCREAMING_SNAKE_CASE', () => {
    for (const code of ERROR_CODES) {
      expect(code).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
    }
  });

  it('includes the codes the framework itself answers with', () => {
    expect(ERROR_CODES).toEqual(
      expect.arrayContaining(['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'INTERNAL_ERROR']),
    );
  });
});

describe('DomainError', () => {
  it('is an Error named after the concrete class', () => {
    const error = new InsufficientFundsError('Balance too low.');

    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.name).toBe('InsufficientFundsError');
    expect(error.message).toBe('Balance too low.');
    expect(error.code).toBe('INSUFFICIENT_FUNDS');
  });

  it('has no extensions unless given some', () => {
    expect(new InsufficientFundsError('Balance too low.').extensions).toEqual({});
  });

  it('carries the extensions it was given for the problem body', () => {
    const error = new InsufficientFundsError('Balance too low.', { transferId: 't-1' });

    expect(error.extensions).toEqual({ transferId: 't-1' });
  });

  it('keeps a stack trace for the logs', () => {
    expect(new InsufficientFundsError('Balance too low.').stack).toContain('InsufficientFundsError');
  });
});

describe('the built-in domain errors', () => {
  const cases: { error: DomainError; name: string; code: ErrorCode }[] = [
    { error: new ValidationFailedError([]), name: 'ValidationFailedError', code: 'VALIDATION_FAILED' },
    { error: new UnauthenticatedError(), name: 'UnauthenticatedError', code: 'UNAUTHENTICATED' },
    { error: new ForbiddenError(), name: 'ForbiddenError', code: 'FORBIDDEN' },
    { error: new NotFoundError(), name: 'NotFoundError', code: 'NOT_FOUND' },
    { error: new UpstreamUnavailableError('risk'), name: 'UpstreamUnavailableError', code: 'UPSTREAM_UNAVAILABLE' },
    { error: new UpstreamTimeoutError('risk'), name: 'UpstreamTimeoutError', code: 'UPSTREAM_TIMEOUT' },
  ];

  it.each(cases)('$name has the stable code $code, listed in ERROR_CODES', ({ error, name, code }) => {
    expect(error).toBeInstanceOf(DomainError);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(ERROR_CODES).toContain(error.code);
  });

  it.each(cases)('$name has a client-facing default message', ({ error }) => {
    expect(error.message).not.toBe('');
  });

  it('ValidationFailedError lists the field problems it was given', () => {
    const errors = [{ field: 'amount', message: 'must be greater than 0' }];

    expect(new ValidationFailedError(errors).errors).toEqual(errors);
  });

  it('UnauthenticatedError and ForbiddenError accept a more specific message', () => {
    expect(new UnauthenticatedError('The access token has expired.').message).toBe('The access token has expired.');
    expect(new ForbiddenError('Admins only.').message).toBe('Admins only.');
    expect(new NotFoundError('No such account.').message).toBe('No such account.');
  });

  it('UpstreamUnavailableError names the upstream and suggests retrying after one second by default', () => {
    const error = new UpstreamUnavailableError('risk');

    expect(error.upstream).toBe('risk');
    expect(error.retryAfterSeconds).toBe(1);
    expect(error.message).toContain('risk');
  });

  it('UpstreamUnavailableError keeps a longer retry hint when given one', () => {
    expect(new UpstreamUnavailableError('risk', 30).retryAfterSeconds).toBe(30);
  });

  it('UpstreamTimeoutError names the upstream', () => {
    const error = new UpstreamTimeoutError('account');

    expect(error.upstream).toBe('account');
    expect(error.message).toContain('account');
  });

  it('a subclass of a built-in error is named after itself', () => {
    class CircuitOpenError extends UpstreamUnavailableError {}

    const error = new CircuitOpenError('risk', 5);

    expect(error.name).toBe('CircuitOpenError');
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
  });
});
