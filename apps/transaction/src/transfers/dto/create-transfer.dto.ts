import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import type { LockMode } from '@bankshop/contracts';
import { IsMoneyAmount, IsOmittable, IsUuid } from '@bankshop/platform';

export class CreateTransferDto {
  @ApiProperty({ description: "The caller's own account the money leaves." })
  @IsUuid()
  fromAccountId!: string;

  @ApiProperty({ description: 'The account the money goes to, of any customer, in the same currency.' })
  @IsUuid()
  toAccountId!: string;

  @IsMoneyAmount()
  amount!: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, example: 'Rent for March' })
  @IsOmittable()
  @IsString()
  @Length(1, 200)
  description?: string;

  /** How the account service locks the two accounts; see apps/account/README.md. */
  @ApiPropertyOptional({
    enum: ['pessimistic', 'optimistic'],
    enumName: 'LockMode',
    default: 'pessimistic',
    description: 'How the two accounts are locked while the money moves.',
  })
  @IsOmittable()
  @IsIn(['pessimistic', 'optimistic'])
  lockMode?: LockMode;
}
