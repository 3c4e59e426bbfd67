import { ApiProperty } from '@nestjs/swagger';
import type { Currency, InternalTransferRequest } from '@bankshop/contracts';
import { IsCurrencyCode, IsMoneyAmount, IsUuid } from '@bankshop/platform';

/** `POST /internal/transfers`: a transfer a service makes on behalf of a user (a payment by bank). */
export class InternalTransferDto implements InternalTransferRequest {
  @ApiProperty({ format: 'uuid', description: 'The user the transfer is made for: must own `fromAccountId`.' })
  @IsUuid()
  initiatedBy!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  fromAccountId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  toAccountId!: string;

  @IsMoneyAmount()
  amount!: string;

  /** The currency the caller priced the amount in: a source account in another one is refused. */
  @IsCurrencyCode()
  currency!: Currency;
}
