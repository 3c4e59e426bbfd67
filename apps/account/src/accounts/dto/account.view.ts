import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { AccountFacts, AccountStatus, Currency } from '@bankshop/contracts';
import { ApiCurrency, ApiMoney } from '@bankshop/platform';
import type { Account } from '../domain/account.ts';

const ACCOUNT_STATUSES = ['ACTIVE', 'FROZEN', 'CLOSED'] as const satisfies readonly AccountStatus[];

/** `Account` of API.md. Money as strings with two fraction digits. */
@ApiSchema({ name: 'Account' })
export class AccountView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ pattern: '^[0-9]{16}$', example: '4000123456789010', description: 'The 16-digit account number.' })
  number!: string;

  @ApiProperty({ format: 'uuid', description: 'The user who owns the account.' })
  ownerId!: string;

  @ApiCurrency()
  currency!: Currency;

  @ApiMoney({ example: '150.00' })
  balance!: string;

  @ApiMoney({ example: '120.00', description: '`balance` minus the funds held by transfers in progress.' })
  available!: string;

  @ApiProperty({ enum: ACCOUNT_STATUSES, enumName: 'AccountStatus', description: 'A frozen account moves no money.' })
  status!: AccountStatus;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Grows with every change of the account.' })
  version!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export function toAccountView(account: Account): AccountView {
  const state = account.snapshot();
  return {
    id: state.id,
    number: state.number,
    ownerId: state.ownerId,
    currency: state.currency,
    balance: state.balance.toString(),
    available: account.available.toString(),
    status: state.status,
    version: state.version,
    createdAt: state.createdAt.toISOString(),
  };
}

/** What other services may know about an account (`GET /internal/accounts/:id`). */
export function toAccountFacts(view: AccountView): AccountFacts {
  return { id: view.id, ownerId: view.ownerId, currency: view.currency, status: view.status, createdAt: view.createdAt };
}
