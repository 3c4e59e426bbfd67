import { DomainError } from '@bankshop/contracts';

export class PaymentNotFoundError extends DomainError {
  readonly code = 'PAYMENT_NOT_FOUND';

  constructor() {
    super('No such payment.');
  }
}

/** Another request (or the recovery sweeper) is working on this payment right now. */
export class PaymentInProgressError extends DomainError {
  readonly code = 'IDEMPOTENCY_IN_PROGRESS';

  constructor(paymentId: string) {
    super('This payment is being processed by another request. Retry shortly with the same key.', { paymentId });
  }
}
