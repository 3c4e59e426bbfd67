import { DomainError } from '@bankshop/contracts';

/** Someone else's order answers exactly like a missing one. */
export class OrderNotFoundError extends DomainError {
  readonly code = 'ORDER_NOT_FOUND';

  constructor() {
    super('No such order.');
  }
}

/**
 * Only a CONFIRMED order can be cancelled. `orderStatus` says what it is instead (a problem's own
 * `status` member is the HTTP status, so the order's is named apart).
 */
export class OrderNotCancellableError extends DomainError {
  readonly code = 'ORDER_NOT_CANCELLABLE';

  constructor(orderStatus: string, beingCancelled = false) {
    super(
      beingCancelled
        ? 'This order is already being cancelled.'
        : `Only a confirmed order can be cancelled; this one is ${orderStatus}.`,
      { orderStatus },
    );
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
