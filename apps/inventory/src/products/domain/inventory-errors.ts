import { DomainError } from '@bankshop/contracts';

export class ProductNotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';

  constructor() {
    super('No such product.');
  }
}

/** A checkout named a product that does not exist (API.md: 422 PRODUCT_NOT_FOUND). */
export class UnknownProductError extends DomainError {
  readonly code = 'PRODUCT_NOT_FOUND';

  constructor(productId: string) {
    super('The order names a product that does not exist.', { productId });
  }
}

export class SkuTakenError extends DomainError {
  readonly code = 'SKU_TAKEN';

  constructor() {
    super('A product with this SKU already exists.');
  }
}

export class OutOfStockError extends DomainError {
  readonly code = 'OUT_OF_STOCK';

  constructor(productId: string) {
    super('Not enough units of a product are in stock.', { productId });
  }
}

export class ReservationNotFoundError extends DomainError {
  readonly code = 'RESERVATION_NOT_FOUND';

  constructor() {
    super('No such reservation.');
  }
}

/** The reservation was released or has expired: its units are back on sale. */
export class ReservationNotActiveError extends DomainError {
  readonly code = 'RESERVATION_NOT_ACTIVE';

  constructor(status: string) {
    super(`The reservation is ${status.toLowerCase()}.`, { reservationStatus: status });
  }
}

export class ConcurrentStockUpdateError extends DomainError {
  readonly code = 'CONCURRENT_UPDATE';

  constructor() {
    super('The stock is being updated by too many requests at once. Retry shortly.');
  }
}
