import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';
import type { Currency, RiskAssessmentRequest } from '@bankshop/contracts';
import { IsCurrencyCode, IsMoneyAmount, IsUuid } from '@bankshop/platform';
import { FromAccountDto } from './from-account.dto.ts';
import { ToAccountDto } from './to-account.dto.ts';

/** `POST /internal/assessments`: the transfer to assess, with the facts the caller holds. */
export class AssessmentRequestDto implements RiskAssessmentRequest {
  /** Also the idempotency key: asking again for the same transfer answers the same assessment. */
  @IsUuid()
  transferId!: string;

  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => FromAccountDto)
  fromAccount!: FromAccountDto;

  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => ToAccountDto)
  toAccount!: ToAccountDto;

  @IsMoneyAmount()
  amount!: string;

  @IsCurrencyCode()
  currency!: Currency;
}
