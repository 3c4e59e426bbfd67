import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Currency, RiskDecision } from '@bankshop/contracts';
import { Money, moneyTransformer } from '@bankshop/money';
import type { RuleName } from '../domain/risk-rules.ts';

// pg returns `numeric` as a string. A score is a ratio for people to read, not money, so it is a
// number in code; `numeric(3,2)` stores exactly the two decimals the engine rounds to.
const scoreTransformer = {
  to: (score: number) => score,
  from: (value: string) => Number(value),
};

/** One assessed transfer and the decision it got; written once, never updated. */
@Entity('assessments')
export class Assessment {
  @PrimaryColumn('uuid')
  id!: string;

  /** Unique: a transfer is assessed once, and asking again answers this row. */
  @Column('uuid', { name: 'transfer_id' })
  transferId!: string;

  @Column('uuid', { name: 'from_account_id' })
  fromAccountId!: string;

  @Column('uuid', { name: 'to_account_id' })
  toAccountId!: string;

  @Column({ type: 'numeric', precision: 20, scale: 2, transformer: moneyTransformer })
  amount!: Money;

  @Column({ type: 'char', length: 3 })
  currency!: Currency;

  @Column('text')
  decision!: RiskDecision;

  @Column({ type: 'numeric', precision: 3, scale: 2, transformer: scoreTransformer })
  score!: number;

  @Column('jsonb')
  reasons!: RuleName[];

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
