import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AccountStatus, Currency } from '@bankshop/contracts';
import { Money, moneyTransformer } from '@bankshop/money';
import { Account } from '../domain/account.ts';

const money = { type: 'numeric', precision: 20, scale: 2, transformer: moneyTransformer } as const;

/** A row of `accounts`. */
@Entity('accounts')
export class AccountRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'char', length: 16 })
  number!: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @Column({ type: 'char', length: 3 })
  currency!: Currency;

  @Column(money)
  balance!: Money;

  @Column(money)
  held!: Money;

  @Column({ type: 'text' })
  status!: AccountStatus;

  @Column({ name: 'frozen_reason', type: 'text', nullable: true })
  frozenReason!: string | null;

  /**
   * A plain column, not `@VersionColumn`: TypeORM's `save()` would not check it. Optimistic
   * locking here is an explicit compare-and-set (`AccountStore.write`).
   */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  toDomain(): Account {
    return new Account({
      id: this.id,
      number: this.number,
      ownerId: this.ownerId,
      currency: this.currency,
      balance: this.balance,
      held: this.held,
      status: this.status,
      frozenReason: this.frozenReason,
      version: this.version,
      createdAt: this.createdAt,
    });
  }
}
