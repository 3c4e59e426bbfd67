import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import type { RefundPaymentRequest } from '@bankshop/contracts';
import { IDEMPOTENCY_KEY_PATTERN } from '@bankshop/platform';

/** `POST /internal/payments/refunds` (`RefundPaymentRequest`), with header `Idempotency-Key`. */
export class RefundPaymentDto implements RefundPaymentRequest {
  @ApiProperty({ example: '0b6f...:CHARGE_PAYMENT', description: 'The `Idempotency-Key` of the charge to give back.' })
  @IsString()
  @Matches(IDEMPOTENCY_KEY_PATTERN, { message: 'must be 1 to 255 printable ASCII characters' })
  chargeKey!: string;
}

/** `GET /internal/payments?chargeKey=`. */
export class PaymentLookupQuery {
  @IsString()
  @Matches(IDEMPOTENCY_KEY_PATTERN, { message: 'must be 1 to 255 printable ASCII characters' })
  chargeKey!: string;
}
