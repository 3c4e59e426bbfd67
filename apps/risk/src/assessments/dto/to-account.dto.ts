import { IsIn } from 'class-validator';
import type { AccountFacts, AccountStatus } from '@bankshop/contracts';
import { IsUuid } from '@bankshop/platform';

export const ACCOUNT_STATUSES = ['ACTIVE', 'FROZEN', 'CLOSED'] as const satisfies readonly AccountStatus[];

/** The destination account, as the caller read it from the account service. */
export class ToAccountDto implements Pick<AccountFacts, 'id' | 'status'> {
  @IsUuid()
  id!: string;

  @IsIn(ACCOUNT_STATUSES, { message: `must be one of ${ACCOUNT_STATUSES.join(', ')}` })
  status!: AccountStatus;
}
