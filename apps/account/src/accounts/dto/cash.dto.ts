import { IsMoneyAmount } from '@bankshop/platform';

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
export interface CashMovementView {
  id: string;
  accountId: string;
  amount: string;
  balance: string;
}
