import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import type { RefundPaymentRequest } from '@bankshop/contracts';

/** An idempotency key as API.md allows it: 1–255 printable ASCII characters. */
export const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

/** `POST /internal/payments/refunds` (`RefundPaymentRequest`), with header `Idempotency-Key`. */
export class RefundPaymentDto implements RefundPaymentRequest {
  @ApiProperty({ example: '0b6f...:CHARGE_PAYMENT', description: 'The `Idempotency-Key` of the charge to give back.' })
  @IsString()
  @Matches(IDEMPOTENCY_KEY, { message: 'must be 1 to 255 printable ASCII characters' })
  chargeKey!: string;
}

/** `GET /internal/payments?chargeKey=`. */
export class PaymentLookupQuery {
  @IsString()
  @Matches(IDEMPOTENCY_KEY, { message: 'must be 1 to 255 printable ASCII characters' })
  chargeKey!: string;
}
