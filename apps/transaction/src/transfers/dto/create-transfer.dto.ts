import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import type { LockMode } from '@bankshop/contracts';
import { IsMoneyAmount, IsUuid } from '@bankshop/platform';

export class CreateTransferDto {
  @IsUuid()
  fromAccountId!: string;

  @IsUuid()
  toAccountId!: string;

  @IsMoneyAmount()
  amount!: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  description?: string;

  /** How the account service locks the two accounts; see apps/account/README.md. */
  @IsOptional()
  @IsIn(['pessimistic', 'optimistic'])
  lockMode?: LockMode;
}
