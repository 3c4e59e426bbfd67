import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OrderFailureReason } from '@bankshop/contracts';
import { CheckoutSaga, type Compensation, type ForwardStep, type SagaSnapshot, type SagaState, type StepRecord } from '../domain/checkout-saga.ts';

/** A row of `saga_instances`: where a checkout is, and who drives it. */
@Entity('saga_instances')
export class SagaRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @Column({ type: 'text' })
  state!: SagaState;

  @Column({ type: 'text' })
  step!: ForwardStep;

  @Column({ type: 'jsonb' })
  compensations!: Compensation[];

  @Column({ type: 'jsonb' })
  steps!: StepRecord[];

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: OrderFailureReason | null;

  @Column({ name: 'cancel_requested', type: 'boolean' })
  cancelRequested!: boolean;

  @Column({ name: 'charge_deadline', type: 'timestamptz', nullable: true })
  chargeDeadline!: Date | null;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'lease_owner', type: 'uuid', nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'lease_until', type: 'timestamptz' })
  leaseUntil!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', insert: false })
  updatedAt!: Date;

  /** The columns a saga's state fills; version and lease are the store's business. */
  static columnsOf(state: Readonly<SagaSnapshot>): Pick<
    SagaRecord,
    'state' | 'step' | 'compensations' | 'steps' | 'failureReason' | 'cancelRequested' | 'chargeDeadline'
  > {
    return {
      state: state.state,
      step: state.step,
      compensations: state.compensations,
      steps: state.steps,
      failureReason: state.failureReason,
      cancelRequested: state.cancelRequested,
      chargeDeadline: state.chargeDeadline,
    };
  }

  toDomain(): CheckoutSaga {
    return CheckoutSaga.restore({
      id: this.id,
      orderId: this.orderId,
      state: this.state,
      step: this.step,
      compensations: this.compensations,
      steps: this.steps,
      failureReason: this.failureReason,
      cancelRequested: this.cancelRequested,
      chargeDeadline: this.chargeDeadline,
      version: this.version,
    });
  }
}
