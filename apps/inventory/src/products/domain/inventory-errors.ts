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

/** For internal callers, which retry it (the checkout saga); a public route answers `ProductBusyError` instead. */
export class ConcurrentStockUpdateError extends DomainError {
  readonly code = 'CONCURRENT_UPDATE';

  constructor() {
    super('The stock is being updated by too many requests at once. Retry shortly.');
  }
}

/**
 * A change of a product that still lost its compare-and-set after every retry. API.md has no
 * code for this (CONCURRENT_UPDATE is internal only); what it asks of the client, to retry
 * shortly, is what a 503 with `Retry-After` says, as for a database too busy to serve.
 */
export class ProductBusyError extends DomainError {
  readonly code = 'UPSTREAM_UNAVAILABLE';

  constructor() {
    super('The product is being changed by too many requests at once. Retry shortly.');
  }
}
