import type { Currency, LockMode, RiskAssessmentResult } from '@bankshop/contracts';
import type { Money } from '@bankshop/money';

export type TransferStatus = 'PENDING' | 'COMPLETED' | 'REJECTED' | 'FAILED';

/**
 * How far a PENDING transfer got. The step is persisted before the next call is made, so after a
 * crash the recovery sweeper knows which way to drive it:
 *
 * | step          | done so far                        | recovery                         |
 * |---------------|------------------------------------|----------------------------------|
 * | CREATED       | nothing outside this service       | FAILED                           |
 * | RISK_APPROVED | risk said yes; a hold may exist    | void the hold if any, FAILED     |
 * | PREPARED      | funds held on the source           | void the hold, FAILED            |
 * | COMMITTING    | the decision to commit is recorded | capture the hold, COMPLETED      |
 * | DONE          | terminal                           | nothing                          |
 *
 * COMMITTING is the point of no return: before it every crash rolls back, after it every crash
 * rolls forward. That is what makes each transfer end in exactly one terminal state.
 */
export type TransferStep = 'CREATED' | 'RISK_APPROVED' | 'PREPARED' | 'COMMITTING' | 'DONE';

export interface RiskOutcome {
  decision: RiskAssessmentResult['decision'];
  score: number;
  reasons: string[];
}

export interface TransferState {
  id: string;
  initiatedBy: string;
  fromAccountId: string;
  toAccountId: string;
  fromOwnerId: string;
  toOwnerId: string;
  amount: Money;
  currency: Currency;
  description: string | null;
  lockMode: LockMode;
  status: TransferStatus;
  step: TransferStep;
  holdId: string | null;
  risk: RiskOutcome | null;
  failureCode: string | null;
  version: number;
  createdAt: Date;
  completedAt: Date | null;
}

/** A transition that the state machine does not allow: always a programming error. */
export class IllegalTransferTransition extends Error {
  override readonly name = 'IllegalTransferTransition';
}

/** A transfer and its state machine: `PENDING -> COMPLETED | REJECTED | FAILED`, step by step. */
export class Transfer {
  constructor(private state: TransferState) {}

  static start(fields: Omit<TransferState, 'status' | 'step' | 'holdId' | 'risk' | 'failureCode' | 'version' | 'completedAt'>): Transfer {
    return new Transfer({
      ...fields,
      status: 'PENDING',
      step: 'CREATED',
      holdId: null,
      risk: null,
      failureCode: null,
      version: 1,
      completedAt: null,
    });
  }

  get id(): string {
    return this.state.id;
  }

  get status(): TransferStatus {
    return this.state.status;
  }

  get step(): TransferStep {
    return this.state.step;
  }

  get holdId(): string | null {
    return this.state.holdId;
  }

  get lockMode(): LockMode {
    return this.state.lockMode;
  }

  get failureCode(): string | null {
    return this.state.failureCode;
  }

  get isTerminal(): boolean {
    return this.state.status !== 'PENDING';
  }

  /** Whether a hold might exist for it: a prepare was at least attempted. */
  get mayHoldFunds(): boolean {
    return this.state.step === 'RISK_APPROVED' || this.state.step === 'PREPARED' || this.state.step === 'COMMITTING';
  }

  snapshot(): Readonly<TransferState> {
    return { ...this.state };
  }

  /** The same transfer after a successful write: the store advanced its version. */
  stored(): Transfer {
    return new Transfer({ ...this.state, version: this.state.version + 1 });
  }

  isVisibleTo(userId: string): boolean {
    return this.state.fromOwnerId === userId || this.state.toOwnerId === userId;
  }

  approveRisk(risk: RiskOutcome): void {
    this.expectStep('CREATED');
    this.apply({ step: 'RISK_APPROVED', risk });
  }

  rejectByRisk(risk: RiskOutcome): void {
    this.expectStep('CREATED');
    this.apply({ risk });
    this.end('REJECTED', 'RISK_REJECTED');
  }

  prepared(holdId: string): void {
    this.expectStep('RISK_APPROVED');
    this.apply({ step: 'PREPARED', holdId });
  }

  /** The decision to commit: from here on, recovery drives the transfer forward. */
  decideToCommit(): void {
    this.expectStep('PREPARED');
    this.apply({ step: 'COMMITTING' });
  }

  complete(at: Date): void {
    this.expectStep('COMMITTING');
    this.apply({ status: 'COMPLETED', step: 'DONE', completedAt: at });
  }

  /** A business rule said no (insufficient funds, frozen account, risk). */
  reject(code: string): void {
    this.end('REJECTED', code);
  }

  /** The system could not complete it (a dependency down, a hold expired, abandoned by a crash). */
  fail(code: string): void {
    this.end('FAILED', code);
  }

  private end(status: 'REJECTED' | 'FAILED', code: string): void {
    if (this.isTerminal) throw new IllegalTransferTransition(`transfer ${this.id} is already ${this.state.status}`);
    this.apply({ status, step: 'DONE', failureCode: code });
  }

  private expectStep(step: TransferStep): void {
    if (this.state.step !== step) {
      throw new IllegalTransferTransition(`transfer ${this.id} is at ${this.state.step}, expected ${step}`);
    }
  }

  private apply(change: Partial<TransferState>): void {
    this.state = { ...this.state, ...change };
  }
}
