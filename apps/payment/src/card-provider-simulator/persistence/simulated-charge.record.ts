import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Currency } from '@bankshop/contracts';
import { Money, moneyTransformer } from '@bankshop/money';

export type SimulatedChargeStatus = 'succeeded' | 'declined' | 'canceled';

/** A row of `card_provider_charges`. */
@Entity('card_provider_charges')
export class SimulatedChargeRecord {
  @PrimaryColumn('text')
  id!: string;

  @Column({ type: 'text' })
  key!: string;

  @Column({ name: 'request_hash', type: 'text', nullable: true })
  requestHash!: string | null;

  @Column({ type: 'numeric', precision: 20, scale: 2, nullable: true, transformer: moneyTransformer })
  amount!: Money | null;

  @Column({ type: 'char', length: 3, nullable: true })
  currency!: Currency | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'text' })
  status!: SimulatedChargeStatus;

  @Column({ name: 'refund_id', type: 'text', nullable: true })
  refundId!: string | null;

  @Column({ name: 'refunded_at', type: 'timestamptz', nullable: true })
  refundedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;
}
