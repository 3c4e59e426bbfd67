import type { OrderFailureReason } from '@bankshop/contracts';

/** The forward steps of a checkout, in order. */
export const FORWARD_STEPS = ['RESERVE_STOCK', 'CHARGE_PAYMENT', 'CONFIRM_STOCK'] as const;
/** What undoes a forward step. */
export const COMPENSATIONS = ['REFUND_PAYMENT', 'RELEASE_STOCK'] as const;
export const SAGA_STEPS = [...FORWARD_STEPS, ...COMPENSATIONS] as const;

export type ForwardStep = (typeof FORWARD_STEPS)[number];
export type Compensation = (typeof COMPENSATIONS)[number];
export type SagaStepName = (typeof SAGA_STEPS)[number];

/**
 * - `RUNNING`: the forward steps, from `RESERVE_STOCK` to `CONFIRM_STOCK`.
 * - `COMPENSATING`: undoing what was done, in reverse (a business failure, or the customer cancelled).
 * - `CONFIRMED` and `CANCELLED` are where a saga rests. A confirmed one runs again only when its
 *   order is cancelled.
 */
export type SagaState = 'RUNNING' | 'COMPENSATING' | 'CONFIRMED' | 'CANCELLED';

export type StepStatus = 'SUCCEEDED' | 'FAILED';

/** One line of the step log (the order's `saga.steps`). */
export interface StepRecord {
  name: SagaStepName;
  status: StepStatus;
  at: string;
  /** Why a step failed: the order's failure reason. */
  reason?: OrderFailureReason;
}

export interface SagaSnapshot {
  id: string;
  orderId: string;
  state: SagaState;
  /** The forward step to run next while `RUNNING`. */
  step: ForwardStep;
  /** The compensations still to run while `COMPENSATING`, first one first. */
  compensations: Compensation[];
  steps: StepRecord[];
  failureReason: OrderFailureReason | null;
  /** Set when the customer cancelled a confirmed order, as opposed to a failed checkout. */
  cancelRequested: boolean;
  /** After this, a charge whose outcome is still unknown is given up (and refunded). */
  chargeDeadline: Date | null;
  version: number;
}

/** What the runner has to do next. */
export type SagaAction = { kind: 'forward'; step: ForwardStep } | { kind: 'compensate'; step: Compensation } | { kind: 'rest' };

/**
 * The checkout saga as a state machine (ARCHITECTURE.md "Commerce: checkout Saga"), without any
 * I/O: the runner performs the action it names and reports back; every report returns the next
 * saga, which is persisted before anything else happens. So whatever the process dies after, the
 * saga resumes from what was last written, and every step call is safe to repeat (it carries the
 * idempotency key `<sagaId>:<step>`).
 *
 * ```
 * RESERVE_STOCK -> CHARGE_PAYMENT -> CONFIRM_STOCK -> CONFIRMED
 *       |                |                 |
 *       |         RELEASE_STOCK     REFUND_PAYMENT, RELEASE_STOCK -> CANCELLED
 *       +--------------------------------------------------------> CANCELLED
 * ```
 */
export class CheckoutSaga {
  private constructor(private readonly state: Readonly<SagaSnapshot>) {}

  static start(id: string, orderId: string): CheckoutSaga {
    return new CheckoutSaga({
      id,
      orderId,
      state: 'RUNNING',
      step: 'RESERVE_STOCK',
      compensations: [],
      steps: [],
      failureReason: null,
      cancelRequested: false,
      chargeDeadline: null,
      version: 1,
    });
  }

  static restore(snapshot: SagaSnapshot): CheckoutSaga {
    return new CheckoutSaga({ ...snapshot, compensations: [...snapshot.compensations], steps: [...snapshot.steps] });
  }

  snapshot(): Readonly<SagaSnapshot> {
    return this.state;
  }

  get id(): string {
    return this.state.id;
  }

  get isAtRest(): boolean {
    return this.state.state === 'CONFIRMED' || this.state.state === 'CANCELLED';
  }

  /** The key every call of a step carries: the same on every retry, by any worker. */
  keyOf(step: SagaStepName): string {
    return `${this.state.id}:${step}`;
  }

  nextAction(): SagaAction {
    if (this.state.state === 'RUNNING') return { kind: 'forward', step: this.state.step };
    const [next] = this.state.compensations;
    if (this.state.state === 'COMPENSATING' && next) return { kind: 'compensate', step: next };
    return { kind: 'rest' };
  }

  /** A forward step is about to be tried: the charge gets its deadline the first time. */
  beginning(step: ForwardStep, now: Date, paymentDeadlineMs: number): CheckoutSaga {
    if (step !== 'CHARGE_PAYMENT' || this.state.chargeDeadline) return this;
    return this.with({ chargeDeadline: new Date(now.getTime() + paymentDeadlineMs) });
  }

  /** The forward step in progress succeeded: on to the next, or confirmed after the last. */
  succeeded(step: ForwardStep, now: Date): CheckoutSaga {
    this.expectForward(step);
    const log = [...this.state.steps, { name: step, status: 'SUCCEEDED' as const, at: now.toISOString() }];
    const next = FORWARD_STEPS[FORWARD_STEPS.indexOf(step) + 1];
    return next ? this.with({ step: next, steps: log }) : this.with({ state: 'CONFIRMED', steps: log });
  }

  /**
   * The forward step in progress failed for a business reason (or, for a charge, stayed unknown
   * past its deadline): undo what was done before it, in reverse.
   *
   * `tookNothing` says the failed step itself certainly left nothing to undo (a declined card);
   * otherwise it is undone too (a charge given up on is refunded, which for a charge that never
   * happened records that it must not happen any more).
   */
  failed(step: ForwardStep, reason: OrderFailureReason, now: Date, tookNothing: boolean): CheckoutSaga {
    this.expectForward(step);
    const log = [...this.state.steps, { name: step, status: 'FAILED' as const, at: now.toISOString(), reason }];
    const done = FORWARD_STEPS.slice(0, FORWARD_STEPS.indexOf(step) + (tookNothing ? 0 : 1));
    const compensations = undoing(done);
    return this.with({
      state: compensations.length > 0 ? 'COMPENSATING' : 'CANCELLED',
      compensations,
      steps: log,
      failureReason: reason,
    });
  }

  /** A compensation finished; the saga rests CANCELLED after the last one. */
  compensated(step: Compensation, now: Date): CheckoutSaga {
    if (this.state.state !== 'COMPENSATING' || this.state.compensations[0] !== step) {
      throw new SagaStateError(`cannot record ${step} as done while ${this.describe()}`);
    }
    const compensations = this.state.compensations.slice(1);
    return this.with({
      state: compensations.length > 0 ? 'COMPENSATING' : 'CANCELLED',
      compensations,
      steps: [...this.state.steps, { name: step, status: 'SUCCEEDED', at: now.toISOString() }],
    });
  }

  /** The customer cancels a confirmed order: refund the payment, put the stock back. */
  cancel(): CheckoutSaga {
    if (this.state.state !== 'CONFIRMED') throw new SagaStateError(`cannot cancel while ${this.describe()}`);
    return this.with({ state: 'COMPENSATING', compensations: undoing(FORWARD_STEPS), cancelRequested: true });
  }

  /** The saga as persisted: its version moved on. */
  stored(): CheckoutSaga {
    return this.with({ version: this.state.version + 1 });
  }

  private expectForward(step: ForwardStep): void {
    if (this.state.state !== 'RUNNING' || this.state.step !== step) {
      throw new SagaStateError(`cannot finish ${step} while ${this.describe()}`);
    }
  }

  private describe(): string {
    return this.state.state === 'RUNNING' ? `running ${this.state.step}` : this.state.state.toLowerCase();
  }

  private with(changes: Partial<SagaSnapshot>): CheckoutSaga {
    return new CheckoutSaga({ ...this.state, ...changes });
  }
}

/** The compensations of the given forward steps, latest first. Confirming stock needs none of its own. */
function undoing(done: readonly ForwardStep[]): Compensation[] {
  const compensations: Compensation[] = [];
  if (done.includes('CHARGE_PAYMENT')) compensations.push('REFUND_PAYMENT');
  if (done.includes('RESERVE_STOCK')) compensations.push('RELEASE_STOCK');
  return compensations;
}

/** A transition the saga does not allow: a bug in the runner, never a user's doing. */
export class SagaStateError extends Error {
  override readonly name = 'SagaStateError';
}
