import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import type { LockMode } from '@bankshop/contracts';
import { IsMoneyAmount } from '@bankshop/platform';

export class CreateTransferDto {
  @IsUUID()
  fromAccountId!: string;

  @IsUUID()
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
