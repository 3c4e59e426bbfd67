import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Currency, LockMode, RiskDecision } from '@bankshop/contracts';
import { Money, moneyTransformer } from '@bankshop/money';
import { Transfer, type TransferState, type TransferStatus, type TransferStep } from '../domain/transfer.ts';

/** Postgres returns numeric as a string; a risk score is a plain number in [0, 1]. */
const scoreTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** A row of `transfers`. */
@Entity('transfers')
export class TransferRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'initiated_by', type: 'uuid' })
  initiatedBy!: string;

  @Column({ name: 'from_account_id', type: 'uuid' })
  fromAccountId!: string;

  @Column({ name: 'to_account_id', type: 'uuid' })
  toAccountId!: string;

  @Column({ name: 'from_owner_id', type: 'uuid' })
  fromOwnerId!: string;

  @Column({ name: 'to_owner_id', type: 'uuid' })
  toOwnerId!: string;

  @Column({ type: 'numeric', precision: 20, scale: 2, transformer: moneyTransformer })
  amount!: Money;

  @Column({ type: 'char', length: 3 })
  currency!: Currency;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'lock_mode', type: 'text' })
  lockMode!: LockMode;

  @Column({ type: 'text' })
  status!: TransferStatus;

  @Column({ type: 'text' })
  step!: TransferStep;

  @Column({ name: 'hold_id', type: 'uuid', nullable: true })
  holdId!: string | null;

  @Column({ name: 'risk_decision', type: 'text', nullable: true })
  riskDecision!: RiskDecision | null;

  @Column({ name: 'risk_score', type: 'numeric', precision: 3, scale: 2, nullable: true, transformer: scoreTransformer })
  riskScore!: number | null;

  @Column({ name: 'risk_reasons', type: 'jsonb', nullable: true })
  riskReasons!: string[] | null;

  @Column({ name: 'failure_code', type: 'text', nullable: true })
  failureCode!: string | null;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'lease_until', type: 'timestamptz' })
  leaseUntil!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  toDomain(): Transfer {
    return new Transfer({
      id: this.id,
      initiatedBy: this.initiatedBy,
      fromAccountId: this.fromAccountId,
      toAccountId: this.toAccountId,
      fromOwnerId: this.fromOwnerId,
      toOwnerId: this.toOwnerId,
      amount: this.amount,
      currency: this.currency,
      description: this.description,
      lockMode: this.lockMode,
      status: this.status,
      step: this.step,
      holdId: this.holdId,
      risk:
        this.riskDecision === null
          ? null
          : { decision: this.riskDecision, score: this.riskScore ?? 0, reasons: this.riskReasons ?? [] },
      failureCode: this.failureCode,
      version: this.version,
      createdAt: this.createdAt,
      completedAt: this.completedAt,
    });
  }

  static columnsOf(state: Readonly<TransferState>): Partial<TransferRecord> {
    return {
      status: state.status,
      step: state.step,
      holdId: state.holdId,
      riskDecision: state.risk?.decision ?? null,
      riskScore: state.risk?.score ?? null,
      riskReasons: state.risk?.reasons ?? null,
      failureCode: state.failureCode,
      completedAt: state.completedAt,
    };
  }
}
