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

export type PaymentMethod = 'card' | 'bank';

/**
 * - `PENDING`: being charged (or the answer is not known yet: it will be, by retrying the same key).
 * - `CAPTURED`: the money is taken. `REFUNDED`: and given back.
 * - `DECLINED` (card declined, insufficient funds) and `FAILED` (the provider failed or did not
 *   answer, and a status check found nothing charged): no money moved.
 * - `CANCELLED`: refunded before it was ever charged; a late charge with its key is refused.
 */
export type PaymentStatus = 'PENDING' | 'CAPTURED' | 'DECLINED' | 'FAILED' | 'REFUNDED' | 'CANCELLED';

/** Why a checkout's payment did not go through: also the order's `failureReason`. */
export type PaymentFailureReason = 'PAYMENT_DECLINED' | 'PAYMENT_FAILED';

/**
 * `POST /internal/payments` (payment), with header `Idempotency-Key: <sagaId>:CHARGE_PAYMENT`.
 * Answers 201 with the `PaymentView` whatever the business outcome (`CAPTURED`, `DECLINED`,
 * `FAILED`); a 5xx or 409 means "not decided yet, ask again with the same key".
 */
export interface ChargePaymentRequest {
  orderId: string;
  /** The customer paying: must own `accountId` for a bank payment. */
  userId: string;
  amount: string;
  currency: Currency;
  method: PaymentMethod;
  /** Card payments: the provider token (`tok_visa`, ...). */
  token?: string;
  /** Bank payments: the customer's account to pay from. */
  accountId?: string;
}

/**
 * `POST /internal/payments/refunds` (payment), with header `Idempotency-Key: <sagaId>:REFUND_PAYMENT`:
 * give back whatever the charge made with `chargeKey` took. A captured charge is refunded; one
 * that took nothing is returned as it is; a charge never made is recorded `CANCELLED` so that a
 * late one with that key cannot take money any more. Answers 200 `PaymentView`.
 */
export interface RefundPaymentRequest {
  chargeKey: string;
}

/** A payment, as the internal routes answer it (the public one omits `userId` and `failureReason`). */
export interface PaymentView {
  id: string;
  orderId: string;
  userId: string;
  method: PaymentMethod;
  amount: string;
  currency: Currency;
  status: PaymentStatus;
  providerRef: string | null;
  failureReason: PaymentFailureReason | null;
  createdAt: string;
}

/** `payment.captured.v1`, `payment.failed.v1` (declined or failed), `payment.refunded.v1` (key = payment id). */
export interface PaymentChangedV1 {
  paymentId: string;
  orderId: string;
  method: PaymentMethod;
  amount: string;
  currency: Currency;
  status: PaymentStatus;
  failureReason: PaymentFailureReason | null;
}

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';
export type OrderFailureReason = 'OUT_OF_STOCK' | PaymentFailureReason;

/** `order.placed.v1`, `order.confirmed.v1`, `order.cancelled.v1` (topic `order.events`, key = order id). */
export interface OrderChangedV1 {
  orderId: string;
  userId: string;
  status: OrderStatus;
  total: string;
  currency: Currency;
  failureReason: OrderFailureReason | null;
}
