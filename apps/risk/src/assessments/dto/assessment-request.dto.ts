import { Transform, Type } from 'class-transformer';
import { IsObject, IsUUID, ValidateNested } from 'class-validator';
import type { Currency, RiskAssessmentRequest } from '@bankshop/contracts';
import { IsCurrencyCode, IsMoneyAmount } from '@bankshop/platform';
import { FromAccountDto } from './from-account.dto.ts';
import { toLowerCase } from './lower-case.transform.ts';
import { ToAccountDto } from './to-account.dto.ts';

/** `POST /internal/assessments`: the transfer to assess, with the facts the caller holds. */
export class AssessmentRequestDto implements RiskAssessmentRequest {
  /** Also the idempotency key: asking again for the same transfer answers the same assessment. */
  @Transform(toLowerCase)
  @IsUUID('all', { message: 'must be a UUID' })
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
