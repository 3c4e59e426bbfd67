import { DomainError } from '@bankshop/contracts';

/**
 * The transfer id is the idempotency key of an assessment. Answering a different transfer with
 * the stored decision could approve an amount nobody assessed, so a mismatch is refused (422).
 */
export class AssessmentConflictError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';

  constructor(transferId: string) {
    super('This transfer was already assessed with a different source, destination, amount or currency.', { transferId });
  }
}
