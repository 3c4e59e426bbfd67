import { DomainError } from '@bankshop/contracts';

export class PaymentNotFoundError extends DomainError {
  readonly code = 'PAYMENT_NOT_FOUND';

  constructor() {
    super('No such payment.');
  }
}

export class IdempotencyKeyRequiredError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REQUIRED';

  constructor() {
    super('Charges and refunds need an Idempotency-Key header, so that they can be retried safely.');
  }
}

/** The key already names a charge (or refund) of another request. */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';

  constructor() {
    super('This Idempotency-Key was already used with a different request.');
  }
}

/** Another request (or the recovery sweeper) is working on this payment right now. */
export class PaymentInProgressError extends DomainError {
  readonly code = 'IDEMPOTENCY_IN_PROGRESS';

  constructor(paymentId: string) {
    super('This payment is being processed by another request. Retry shortly with the same key.', { paymentId });
  }
}
