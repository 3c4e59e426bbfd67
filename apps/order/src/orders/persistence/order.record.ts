import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Currency, OrderFailureReason, OrderStatus, ReservedLine } from '@bankshop/contracts';
import { Money, moneyTransformer } from '@bankshop/money';
import { lineFromStrings, lineToStrings, Order, type OrderPayment, type OrderSnapshot, type PaymentSource } from '../domain/order.ts';

/** A row of `orders`. */
@Entity('orders')
export class OrderRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'text' })
  status!: OrderStatus;

  @Column({ type: 'jsonb' })
  /** Money as strings, exactly as on the wire. */
  lines!: ReservedLine[];

  @Column({ type: 'numeric', precision: 20, scale: 2, transformer: moneyTransformer })
  total!: Money;

  @Column({ type: 'char', length: 3 })
  currency!: Currency;

  @Column({ name: 'payment_source', type: 'jsonb' })
  paymentSource!: PaymentSource;

  @Column({ type: 'jsonb', nullable: true })
  payment!: OrderPayment | null;

  @Column({ name: 'reservation_id', type: 'uuid', nullable: true })
  reservationId!: string | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: OrderFailureReason | null;

  @Column({ name: 'from_cart', type: 'boolean' })
  fromCart!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  /** The columns an order's state fills (all but the id and the timestamps' defaults). */
  static columnsOf(state: Readonly<OrderSnapshot>): Omit<OrderRecord, 'toDomain' | 'updatedAt'> {
    return {
      id: state.id,
      userId: state.userId,
      status: state.status,
      lines: state.lines.map(lineToStrings),
      total: state.total,
      currency: state.currency,
      paymentSource: state.paymentSource,
      payment: state.payment,
      reservationId: state.reservationId,
      failureReason: state.failureReason,
      fromCart: state.fromCart,
      createdAt: state.createdAt,
    };
  }

  toDomain(): Order {
    return Order.restore({
      id: this.id,
      userId: this.userId,
      status: this.status,
      lines: this.lines.map(lineFromStrings),
      total: this.total,
      currency: this.currency,
      paymentSource: this.paymentSource,
      payment: this.payment,
      reservationId: this.reservationId,
      failureReason: this.failureReason,
      fromCart: this.fromCart,
      createdAt: this.createdAt,
    });
  }
}
