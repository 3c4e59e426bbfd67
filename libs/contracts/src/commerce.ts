/**
 * What the commerce services tell each other over HTTP (`/internal/*`) and Kafka. Amounts are
 * decimal strings with exactly two fraction digits ("12.50"), never numbers.
 */
import type { Currency } from './banking.ts';

export interface ReservationItemRequest {
  productId: string;
  quantity: number;
}

/** `POST /internal/reservations` (inventory): take units off sale for one checkout. */
export interface ReserveStockRequest {
  /** The idempotency key: the saga's `<sagaId>:RESERVE_STOCK`. Reserving twice returns the first. */
  key: string;
  orderId: string;
  items: ReservationItemRequest[];
}

/** A reserved line, priced when it was reserved: the order is billed at these prices. */
export interface ReservedLine {
  productId: string;
  sku: string;
  name: string;
  unitPrice: string;
  quantity: number;
  lineTotal: string;
}

export type ReservationStatus = 'RESERVED' | 'CONFIRMED' | 'RELEASED' | 'EXPIRED';

export interface ReservationView {
  id: string;
  key: string;
  orderId: string;
  status: ReservationStatus;
  items: ReservedLine[];
  total: string;
  currency: Currency;
  expiresAt: string;
}

/** `inventory.stock.*.v1` (topic `inventory.events`, key = reservation id). */
export interface StockMovedV1 {
  reservationId: string;
  orderId: string;
  status: ReservationStatus;
  items: ReservationItemRequest[];
}

/** `inventory.product.created.v1` and `inventory.product.updated.v1` (key = product id). */
export interface ProductChangedV1 {
  productId: string;
  sku: string;
  price: string;
  currency: Currency;
  stock: number;
}
