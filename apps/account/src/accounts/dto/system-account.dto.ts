import { ApiProperty } from '@nestjs/swagger';
import type { Currency, SystemAccountRequest } from '@bankshop/contracts';
import { IsCurrencyCode, IsUuid } from '@bankshop/platform';

/** `POST /internal/accounts`: the account a system owner keeps in a currency. */
export class SystemAccountDto implements SystemAccountRequest {
  @ApiProperty({ format: 'uuid', description: 'The system owner, e.g. the payment service’s merchant.' })
  @IsUuid()
  ownerId!: string;

  @ApiProperty({ enum: ['CNY', 'USD', 'EUR'] })
  @IsCurrencyCode()
  currency!: Currency;
}
