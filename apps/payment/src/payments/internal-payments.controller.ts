import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Internal } from '@bankshop/auth';
import { ChargePaymentDto } from './dto/charge-payment.dto.ts';
import { toInternalView, type InternalPaymentView } from './dto/payment.view.ts';
import { PaymentLookupQuery, RefundPaymentDto } from './dto/refund-payment.dto.ts';
import { IdempotencyKey } from './idempotency-key.decorator.ts';
import { PaymentsService } from './payments.service.ts';
import { PaymentCoordinator } from './use-cases/charge-and-refund/payment-coordinator.ts';

/** Charges and refunds of the checkout saga. Called by the order service only. */
@ApiExcludeController()
@Internal()
@Controller('internal/payments')
export class InternalPaymentsController {
  constructor(
    private readonly coordinator: PaymentCoordinator,
    private readonly payments: PaymentsService,
  ) {}

  /** 201 with the outcome (CAPTURED, DECLINED, FAILED, or CANCELLED after a refund); 409 or 503: ask again with the same key. */
  @Post()
  async charge(@IdempotencyKey() key: string, @Body() body: ChargePaymentDto): Promise<InternalPaymentView> {
    return toInternalView(await this.coordinator.charge(key, body));
  }

  @Post('refunds')
  @HttpCode(200)
  async refund(@IdempotencyKey() key: string, @Body() body: RefundPaymentDto): Promise<InternalPaymentView> {
    return toInternalView(await this.coordinator.refund(key, body.chargeKey));
  }

  @Get()
  async findByChargeKey(@Query() query: PaymentLookupQuery): Promise<InternalPaymentView> {
    return toInternalView(await this.payments.getByChargeKey(query.chargeKey));
  }
}
