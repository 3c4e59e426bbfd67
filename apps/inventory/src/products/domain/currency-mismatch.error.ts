import { DomainError } from '@bankshop/contracts';

/** One order is paid in one currency: products priced in different currencies cannot share it. */
export class CurrencyMismatchError extends DomainError {
  readonly code = 'CURRENCY_MISMATCH';

  constructor() {
    super('All products of one order must be priced in the same currency.');
  }
}
