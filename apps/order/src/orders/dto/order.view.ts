import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Currency, OrderFailureReason, OrderStatus, PaymentMethod, PaymentStatus } from '@bankshop/contracts';
import { ApiCurrency, ApiMoney } from '@bankshop/platform';
import type { CheckoutSaga, StepRecord } from '../domain/checkout-saga.ts';
import { lineToStrings, type Order } from '../domain/order.ts';

export class OrderLineView {
  @ApiProperty({ format: 'uuid' })
  productId!: string;

  @ApiProperty({ example: 'MUG-001' })
  sku!: string;

  @ApiProperty({ example: 'Enamel mug' })
  name!: string;

  @ApiMoney()
  unitPrice!: string;

  @ApiProperty({ minimum: 1 })
  quantity!: number;

  @ApiMoney()
  lineTotal!: string;
}

export class OrderPaymentView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['card', 'bank'] })
  method!: PaymentMethod;

  @ApiProperty({ enum: ['PENDING', 'CAPTURED', 'DECLINED', 'FAILED', 'REFUNDED', 'CANCELLED'] })
  status!: PaymentStatus;
}

export class SagaStepView {
  @ApiProperty({ enum: ['RESERVE_STOCK', 'CHARGE_PAYMENT', 'CONFIRM_STOCK', 'REFUND_PAYMENT', 'RELEASE_STOCK'] })
  name!: string;

  @ApiProperty({ enum: ['SUCCEEDED', 'FAILED'] })
  status!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;
}

export class SagaView {
  @ApiProperty({ type: [SagaStepView], description: 'Every step and compensation the checkout ran, in order.' })
  steps!: SagaStepView[];
}

/** An order as API.md "Commerce" shows it. */
export class OrderView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ enum: ['PENDING', 'CONFIRMED', 'CANCELLED'] })
  status!: OrderStatus;

  @ApiProperty({ type: [OrderLineView] })
  items!: OrderLineView[];

  @ApiMoney()
  total!: string;

  @ApiCurrency()
  currency!: Currency;

  @ApiProperty({ type: OrderPaymentView, nullable: true })
  payment!: OrderPaymentView | null;

  @ApiPropertyOptional({ enum: ['OUT_OF_STOCK', 'PAYMENT_DECLINED', 'PAYMENT_FAILED'], description: 'Why a checkout was cancelled.' })
  failureReason?: OrderFailureReason;

  @ApiProperty({ type: SagaView })
  saga!: SagaView;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export function toOrderView(order: Order, saga: CheckoutSaga, updatedAt: Date): OrderView {
  const state = order.snapshot();
  return {
    id: state.id,
    userId: state.userId,
    status: state.status,
    items: state.lines.map(lineToStrings),
    total: state.total.toString(),
    currency: state.currency,
    payment: state.payment,
    ...(state.failureReason ? { failureReason: state.failureReason } : {}),
    saga: { steps: saga.snapshot().steps.map(({ name, status, at }: StepRecord) => ({ name, status, at })) },
    createdAt: state.createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
  };
}
