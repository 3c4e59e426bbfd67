import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Currency, OrderFailureReason, OrderStatus } from '@bankshop/contracts';
import { Money, moneyTransformer } from '@bankshop/money';
import { Order, type OrderPayment, type OrderSnapshot, type PaymentSource } from '../domain/order.ts';

/** An order line as stored: money as strings, exactly as on the wire. */
interface StoredLine {
  productId: string;
  sku: string;
  name: string;
  unitPrice: string;
  quantity: number;
  lineTotal: string;
}

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
  lines!: StoredLine[];

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
      lines: state.lines.map((line) => ({
        productId: line.productId,
        sku: line.sku,
        name: line.name,
        unitPrice: line.unitPrice.toString(),
        quantity: line.quantity,
        lineTotal: line.lineTotal.toString(),
      })),
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
      lines: this.lines.map((line) => ({
        ...line,
        unitPrice: Money.of(line.unitPrice),
        lineTotal: Money.of(line.lineTotal),
      })),
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
