import type { AccountFacts, AccountStatus, Currency } from '@bankshop/contracts';
import type { Account } from '../domain/account.ts';

/** `Account` of API.md. Money as strings with two fraction digits. */
export interface AccountView {
  id: string;
  number: string;
  ownerId: string;
  currency: Currency;
  balance: string;
  available: string;
  status: AccountStatus;
  version: number;
  createdAt: string;
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
