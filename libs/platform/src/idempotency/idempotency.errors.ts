import { DomainError } from '@bankshop/contracts';

export class IdempotencyKeyRequiredError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REQUIRED';

  constructor() {
    super('This request changes state: send an Idempotency-Key header so that it can be retried safely.');
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';

  constructor() {
    super('This Idempotency-Key was already used with a different request.');
  }
}

export class IdempotencyInProgressError extends DomainError {
  readonly code = 'IDEMPOTENCY_IN_PROGRESS';

  constructor() {
    super('A request with this Idempotency-Key is still being processed. Retry shortly.');
  }
}
