import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Currency, HoldStatus, HoldView } from '@bankshop/contracts';
import { Money, moneyTransformer } from '@bankshop/money';

/**
 * A row of `holds`: funds reserved on the source account by the prepare phase of a transfer,
 * until the transfer captures them (commit) or they are voided or expire (abort).
 */
@Entity('holds')
export class HoldRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'transfer_id', type: 'uuid' })
  transferId!: string;

  @Column({ name: 'from_account_id', type: 'uuid' })
  fromAccountId!: string;

  @Column({ name: 'to_account_id', type: 'uuid' })
  toAccountId!: string;

  @Column({ type: 'numeric', precision: 20, scale: 2, transformer: moneyTransformer })
  amount!: Money;

  @Column({ type: 'char', length: 3 })
  currency!: Currency;

  @Column({ type: 'text' })
  status!: HoldStatus;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  toView(): HoldView {
    return {
      id: this.id,
      transferId: this.transferId,
      fromAccountId: this.fromAccountId,
      toAccountId: this.toAccountId,
      amount: this.amount.toString(),
      currency: this.currency,
      status: this.status,
      expiresAt: this.expiresAt.toISOString(),
    };
  }
}
