import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { Currency, PaymentMethod, PaymentStatus, PaymentView } from '@bankshop/contracts';
import { ApiCurrency, ApiMoney } from '@bankshop/platform';
import type { Payment } from '../domain/payment.ts';

const STATUSES = ['PENDING', 'CAPTURED', 'DECLINED', 'FAILED', 'REFUNDED', 'CANCELLED'] as const satisfies readonly PaymentStatus[];

/**
 * A payment as the internal routes answer it (`PaymentView` of the contracts). A tombstone, the
 * record of a refund that came before any charge, has no order, customer, method or amount until a
 * late charge with its key brings them: those are null then.
 */
export type InternalPaymentView = Omit<PaymentView, 'orderId' | 'userId' | 'method' | 'amount' | 'currency'> & {
  [Field in 'orderId' | 'userId' | 'method' | 'amount' | 'currency']: PaymentView[Field] | null;
};

/** `GET /api/payments/:id` (API.md "Commerce"). */
@ApiSchema({ name: 'Payment' })
export class PublicPaymentView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  orderId!: string;

  @ApiProperty({ enum: ['card', 'bank'], enumName: 'PaymentMethod' })
  method!: PaymentMethod;

  @ApiMoney({ example: '25.00' })
  amount!: string;

  @ApiCurrency()
  currency!: Currency;

  @ApiProperty({
    enum: STATUSES,
    enumName: 'PaymentStatus',
    description:
      '`PENDING` while being charged; `CAPTURED` when paid and `REFUNDED` when given back; `DECLINED` or `FAILED` when no ' +
      'money moved; `CANCELLED` when the order was cancelled before the charge.',
  })
  status!: PaymentStatus;

  @ApiProperty({
    type: 'string',
    nullable: true,
    example: 'ch_3f1c9a0b7d2e4f5a6b7c8d9e',
    description: 'The card provider’s charge id, or the id of the bank transfer; null when nothing was charged.',
  })
  providerRef!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export function toInternalView(payment: Payment): InternalPaymentView {
  const state = payment.snapshot();
  return {
    id: state.id,
    orderId: state.details?.orderId ?? null,
    userId: state.details?.userId ?? null,
    method: state.details?.method ?? null,
    amount: state.details?.amount.toString() ?? null,
    currency: state.details?.currency ?? null,
    status: state.status,
    providerRef: state.providerRef,
    failureReason: state.failureReason,
    createdAt: state.createdAt.toISOString(),
  };
}

/** Only for payments with charge details (the service shows no tombstone to a customer). */
export function toPublicView(payment: Payment): PublicPaymentView {
  const state = payment.snapshot();
  const details = payment.details;
  return {
    id: state.id,
    orderId: details.orderId,
    method: details.method,
    amount: details.amount.toString(),
    currency: details.currency,
    status: state.status,
    providerRef: state.providerRef,
    createdAt: state.createdAt.toISOString(),
  };
}
