/**
 * What the banking services tell each other over HTTP (`/internal/*`) and Kafka. Amounts are
 * decimal strings with exactly two fraction digits ("12.50"), never numbers.
 */

export type Currency = 'CNY' | 'USD' | 'EUR';
export type AccountStatus = 'ACTIVE' | 'FROZEN' | 'CLOSED';
export type LockMode = 'pessimistic' | 'optimistic';

/** `GET /internal/accounts/:id` (account): the facts other services check before moving money. */
export interface AccountFacts {
  id: string;
  ownerId: string;
  currency: Currency;
  status: AccountStatus;
  createdAt: string;
}

/** `POST /internal/holds` (account): prepare a transfer by reserving funds on the source. */
export interface PlaceHoldRequest {
  /** Also the idempotency key: placing the hold of a transfer twice returns the same hold. */
  transferId: string;
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  lockMode: LockMode;
}

export type HoldStatus = 'OPEN' | 'CAPTURED' | 'VOIDED' | 'EXPIRED';

/** A hold as `/internal/holds` answers it. */
export interface HoldView {
  id: string;
  transferId: string;
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  currency: Currency;
  status: HoldStatus;
  expiresAt: string;
}

/** `POST /internal/holds/:id/capture` (account): commit; the body names the lock mode to use. */
export interface CaptureHoldRequest {
  lockMode: LockMode;
}

export type RiskDecision = 'APPROVE' | 'REJECT';

/** `POST /internal/assessments` (risk). */
export interface RiskAssessmentRequest {
  transferId: string;
  fromAccount: Pick<AccountFacts, 'id' | 'status' | 'createdAt'>;
  toAccount: Pick<AccountFacts, 'id' | 'status'>;
  amount: string;
  currency: Currency;
}

export interface RiskAssessmentResult {
  id: string;
  transferId: string;
  decision: RiskDecision;
  /** In [0, 1]; higher is riskier. */
  score: number;
  reasons: string[];
}
