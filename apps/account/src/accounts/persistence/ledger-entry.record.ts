import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Money, moneyTransformer } from '@bankshop/money';

export type LedgerEntryType = 'DEPOSIT' | 'WITHDRAWAL' | 'TRANSFER_DEBIT' | 'TRANSFER_CREDIT';

const money = { type: 'numeric', precision: 20, scale: 2, transformer: moneyTransformer } as const;

/**
 * A row of `ledger_entries`: the account's history, append-only. The balance of an account always
 * equals the sum of its entries' amounts (credits positive, debits negative).
 */
@Entity('ledger_entries')
export class LedgerEntryRecord {
  @PrimaryColumn('uuid')
  id!: string;

  /** Insertion order; the newest-first cursor of the ledger route. */
  @Column({ type: 'bigint', insert: false, update: false })
  seq!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ type: 'text' })
  type!: LedgerEntryType;

  @Column(money)
  amount!: Money;

  @Column({ name: 'balance_after', ...money })
  balanceAfter!: Money;

  @Column({ name: 'transfer_id', type: 'uuid', nullable: true })
  transferId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;
}
