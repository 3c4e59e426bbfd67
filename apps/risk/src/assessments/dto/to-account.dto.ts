import { Transform } from 'class-transformer';
import { IsIn, IsUUID } from 'class-validator';
import type { AccountFacts, AccountStatus } from '@bankshop/contracts';
import { toLowerCase } from './lower-case.transform.ts';

export const ACCOUNT_STATUSES = ['ACTIVE', 'FROZEN', 'CLOSED'] as const satisfies readonly AccountStatus[];

/** The destination account, as the caller read it from the account service. */
export class ToAccountDto implements Pick<AccountFacts, 'id' | 'status'> {
  @Transform(toLowerCase)
  @IsUUID('all', { message: 'must be a UUID' })
  id!: string;

  @IsIn(ACCOUNT_STATUSES, { message: `must be one of ${ACCOUNT_STATUSES.join(', ')}` })
  status!: AccountStatus;
}
