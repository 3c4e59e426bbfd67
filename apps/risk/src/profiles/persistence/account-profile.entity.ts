import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Money, moneyTransformer } from '@bankshop/money';

/**
 * What the risk service knows of an account's habits: its completed outgoing transfers, built
 * from `transfer.completed.v1` events (this service never reads another service's tables).
 */
@Entity('account_profiles')
export class AccountProfile {
  @PrimaryColumn('uuid', { name: 'account_id' })
  accountId!: string;

  @Column('integer', { name: 'completed_transfers' })
  completedTransfers!: number;

  /** The sum of those transfers; one account has one currency, so the sum is meaningful. */
  @Column({ name: 'total_amount', type: 'numeric', precision: 20, scale: 2, transformer: moneyTransformer })
  totalAmount!: Money;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
