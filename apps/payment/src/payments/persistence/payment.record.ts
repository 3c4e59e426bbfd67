import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Currency, PaymentFailureReason, PaymentMethod, PaymentStatus } from '@bankshop/contracts';
import { Money, moneyTransformer } from '@bankshop/money';
import { Payment, type PaymentState } from '../domain/payment.ts';

/** A row of `payments`. */
@Entity('payments')
export class PaymentRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'charge_key', type: 'text' })
  chargeKey!: string;

  @Column({ name: 'request_hash', type: 'text', nullable: true })
  requestHash!: string | null;

  @Column({ name: 'order_id', type: 'uuid', nullable: true })
  orderId!: string | null;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ type: 'text', nullable: true })
  method!: PaymentMethod | null;

  @Column({ type: 'numeric', precision: 20, scale: 2, nullable: true, transformer: moneyTransformer })
  amount!: Money | null;

  @Column({ type: 'char', length: 3, nullable: true })
  currency!: Currency | null;

  @Column({ name: 'card_token', type: 'text', nullable: true })
  cardToken!: string | null;

  @Column({ name: 'account_id', type: 'uuid', nullable: true })
  accountId!: string | null;

  @Column({ name: 'merchant_account_id', type: 'uuid', nullable: true })
  merchantAccountId!: string | null;

  @Column({ type: 'text' })
  status!: PaymentStatus;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: PaymentFailureReason | null;

  @Column({ name: 'provider_ref', type: 'text', nullable: true })
  providerRef!: string | null;

  @Column({ name: 'refund_key', type: 'text', nullable: true })
  refundKey!: string | null;

  @Column({ name: 'refund_requested_at', type: 'timestamptz', nullable: true })
  refundRequestedAt!: Date | null;

  @Column({ name: 'refund_ref', type: 'text', nullable: true })
  refundRef!: string | null;

  @Column({ name: 'lease_until', type: 'timestamptz' })
  leaseUntil!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  toDomain(): Payment {
    const details =
      this.requestHash === null || this.orderId === null || this.userId === null || this.method === null || this.amount === null || this.currency === null
        ? null
        : {
            orderId: this.orderId,
            userId: this.userId,
            method: this.method,
            amount: this.amount,
            currency: this.currency,
            cardToken: this.cardToken,
            accountId: this.accountId,
            requestHash: this.requestHash,
          };
    return new Payment({
      id: this.id,
      chargeKey: this.chargeKey,
      details,
      status: this.status,
      failureReason: this.failureReason,
      providerRef: this.providerRef,
      merchantAccountId: this.merchantAccountId,
      refundKey: this.refundKey,
      refundRequestedAt: this.refundRequestedAt,
      refundRef: this.refundRef,
      createdAt: this.createdAt,
    });
  }

  /** The columns a payment's state maps to (all but the key, the lease and the timestamps). */
  static columnsOf(state: Readonly<PaymentState>): Partial<PaymentRecord> {
    const details = state.details;
    return {
      requestHash: details?.requestHash ?? null,
      orderId: details?.orderId ?? null,
      userId: details?.userId ?? null,
      method: details?.method ?? null,
      amount: details?.amount ?? null,
      currency: details?.currency ?? null,
      cardToken: details?.cardToken ?? null,
      accountId: details?.accountId ?? null,
      merchantAccountId: state.merchantAccountId,
      status: state.status,
      failureReason: state.failureReason,
      providerRef: state.providerRef,
      refundKey: state.refundKey,
      refundRequestedAt: state.refundRequestedAt,
      refundRef: state.refundRef,
    };
  }
}
