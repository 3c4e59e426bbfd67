import type { Currency, OrderFailureReason, OrderStatus, PaymentMethod, PaymentStatus, ReservedLine } from '@bankshop/contracts';
import { Money } from '@bankshop/money';
import type { CheckoutSaga } from './checkout-saga.ts';

export interface OrderLine {
  productId: string;
  sku: string;
  name: string;
  unitPrice: Money;
  quantity: number;
  lineTotal: Money;
}

/** A line with its money as strings: how it is stored, sent and shown (`ReservedLine` of the contracts). */
export function lineToStrings(line: OrderLine): ReservedLine {
  return { ...line, unitPrice: line.unitPrice.toString(), lineTotal: line.lineTotal.toString() };
}

export function lineFromStrings(line: ReservedLine): OrderLine {
  return { ...line, unitPrice: Money.of(line.unitPrice), lineTotal: Money.of(line.lineTotal) };
}

/** How the customer pays: kept with the order so that any worker can (re)try the charge. */
export type PaymentSource = { method: 'card'; token: string } | { method: 'bank'; accountId: string };

export interface OrderPayment {
  id: string;
  method: PaymentMethod;
  status: PaymentStatus;
}

export interface OrderSnapshot {
  id: string;
  userId: string;
  status: OrderStatus;
  lines: OrderLine[];
  total: Money;
  currency: Currency;
  paymentSource: PaymentSource;
  payment: OrderPayment | null;
  reservationId: string | null;
  failureReason: OrderFailureReason | null;
  /** Checked out from the cart, which is emptied once the order is confirmed. */
  fromCart: boolean;
  createdAt: Date;
}

/**
 * An order: what was bought, at which prices, and how it was paid. Its status follows its
 * checkout saga: `PENDING` while the saga runs, `CONFIRMED` once it confirmed (and while a
 * cancellation is being undone), `CANCELLED` when it rests cancelled.
 */
export class Order {
  private constructor(private readonly state: Readonly<OrderSnapshot>) {}

  static place(input: Omit<OrderSnapshot, 'status' | 'payment' | 'reservationId' | 'failureReason' | 'total'>): Order {
    if (input.lines.length === 0) throw new Error('an order has at least one line');
    if (input.lines.some((line) => line.unitPrice.times(line.quantity).cmp(line.lineTotal) !== 0)) {
      throw new Error('a line total is its unit price times its quantity');
    }
    return new Order({
      ...input,
      status: 'PENDING',
      total: Money.sum(input.lines.map((line) => line.lineTotal)),
      payment: null,
      reservationId: null,
      failureReason: null,
    });
  }

  static restore(snapshot: OrderSnapshot): Order {
    return new Order(snapshot);
  }

  snapshot(): Readonly<OrderSnapshot> {
    return this.state;
  }

  get id(): string {
    return this.state.id;
  }

  get total(): Money {
    return this.state.total;
  }

  /**
   * Stock was reserved: the order is billed at the prices the reservation was made at (the
   * catalogue may have changed since the order was placed).
   */
  reserved(reservationId: string, lines: readonly ReservedLine[]): Order {
    const priced = lines.map(lineFromStrings);
    return new Order({ ...this.state, reservationId, lines: priced, total: Money.sum(priced.map((line) => line.lineTotal)) });
  }

  paid(payment: OrderPayment): Order {
    return new Order({ ...this.state, payment });
  }

  /** Mirrors the saga's resting state (and its failure reason) onto the order. */
  follow(saga: CheckoutSaga): Order {
    const { state, failureReason, cancelRequested } = saga.snapshot();
    const status: OrderStatus =
      state === 'CONFIRMED' || (state === 'COMPENSATING' && cancelRequested) ? 'CONFIRMED' : state === 'CANCELLED' ? 'CANCELLED' : 'PENDING';
    return new Order({ ...this.state, status, failureReason });
  }
}
