import { IsIn, isISO8601, isRFC3339, ValidateBy } from 'class-validator';
import type { AccountFacts, AccountStatus } from '@bankshop/contracts';
import { IsUuid } from '@bankshop/platform';
import { ACCOUNT_STATUSES } from './to-account.dto.ts';

/**
 * An RFC 3339 date-time (what `Date.toISOString()` writes) of a day that exists: the RFC's
 * pattern alone lets `2025-02-30` through, which `Date` would quietly turn into March 2nd.
 */
const IsDateTime = () =>
  ValidateBy({
    name: 'isDateTime',
    validator: {
      validate: (value: unknown) => isRFC3339(value) && isISO8601(value, { strict: true, strictSeparator: true }),
      defaultMessage: () => 'must be an RFC 3339 date-time, like "2025-01-31T12:00:00.000Z"',
    },
  });

/** The source account, as the caller read it from the account service. */
export class FromAccountDto implements Pick<AccountFacts, 'id' | 'status' | 'createdAt'> {
  @IsUuid()
  id!: string;

  @IsIn(ACCOUNT_STATUSES, { message: `must be one of ${ACCOUNT_STATUSES.join(', ')}` })
  status!: AccountStatus;

  @IsDateTime()
  createdAt!: string;
}
