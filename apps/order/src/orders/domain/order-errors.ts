import { DomainError } from '@bankshop/contracts';

/** Someone else's order answers exactly like a missing one. */
export class OrderNotFoundError extends DomainError {
  readonly code = 'ORDER_NOT_FOUND';

  constructor() {
    super('No such order.');
  }
}

export class OrderNotCancellableError extends DomainError {
  readonly code = 'ORDER_NOT_CANCELLABLE';

  constructor(status: string) {
    super(`Only a confirmed order can be cancelled; this one is ${status}.`, { status });
  }
}

export class ProductNotFoundError extends DomainError {
  readonly code = 'PRODUCT_NOT_FOUND';

  constructor(productId: string) {
    super('The request names a product that does not exist.', { productId });
  }
}

/** One order (and one cart) is paid in one currency. */
export class CurrencyMismatchError extends DomainError {
  readonly code = 'CURRENCY_MISMATCH';

  constructor() {
    super('All products of one order must be priced in the same currency.');
  }
}
