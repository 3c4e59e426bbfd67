import type { LedgerEntryRecord, LedgerEntryType } from '../persistence/ledger-entry.record.ts';

/** `LedgerEntry` of API.md; `amount` is signed (debits negative). */
export interface LedgerEntryView {
  id: string;
  accountId: string;
  type: LedgerEntryType;
  amount: string;
  balanceAfter: string;
  transferId?: string;
  createdAt: string;
}

export function toLedgerEntryView(entry: LedgerEntryRecord): LedgerEntryView {
  return {
    id: entry.id,
    accountId: entry.accountId,
    type: entry.type,
    amount: entry.amount.toString(),
    balanceAfter: entry.balanceAfter.toString(),
    ...(entry.transferId ? { transferId: entry.transferId } : {}),
    createdAt: entry.createdAt.toISOString(),
  };
}

export interface CurrencyTotalsView {
  currency: string;
  accounts: number;
  balance: string;
  held: string;
  deposits: string;
  withdrawals: string;
}
