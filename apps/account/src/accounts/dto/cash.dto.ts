import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ApiMoney, IsMoneyAmount } from '@bankshop/platform';

/** API.md: a single deposit is at most 1 000 000.00. */
export const MAX_DEPOSIT = '1000000.00';

export class DepositDto {
  @IsMoneyAmount({ max: MAX_DEPOSIT })
  amount!: string;
}

export class WithdrawalDto {
  @IsMoneyAmount()
  amount!: string;
}

/** The answer to a deposit or a withdrawal: the ledger entry it wrote and the new balance. */
@ApiSchema({ name: 'CashMovement' })
export class CashMovementView {
  @ApiProperty({ format: 'uuid', description: 'The ledger entry written.' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  accountId!: string;

  @ApiMoney({ description: 'The amount deposited or withdrawn.' })
  amount!: string;

  @ApiMoney({ example: '162.50', description: 'The balance after this movement.' })
  balance!: string;
}
