import type { EntityManager } from 'typeorm';
import type { Money } from '@bankshop/money';
import type { Account } from '../domain/account.ts';
import { LedgerEntryRecord, type LedgerEntryType } from './ledger-entry.record.ts';

export interface NewLedgerEntry {
  id: string;
  /** The account after the change: its balance is recorded as `balance_after`. */
  account: Account;
  type: LedgerEntryType;
  /** Signed: credits positive, debits negative. */
  amount: Money;
  transferId: string | null;
}

/** Appends one entry to an account's ledger, in the transaction that changed its balance. */
export async function appendLedgerEntry(manager: EntityManager, entry: NewLedgerEntry): Promise<LedgerEntryRecord> {
  const record = manager.create(LedgerEntryRecord, {
    id: entry.id,
    accountId: entry.account.id,
    type: entry.type,
    amount: entry.amount,
    balanceAfter: entry.account.balance,
    transferId: entry.transferId,
  });
  await manager.insert(LedgerEntryRecord, record);
  return record;
}
