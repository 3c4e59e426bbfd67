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

/** `account.*.v1` events (topic `account.events`, key = account id). */
export interface AccountOpenedV1 {
  accountId: string;
  ownerId: string;
  currency: Currency;
}

/** `account.deposited.v1` and `account.withdrew.v1`. */
export interface AccountCashMovedV1 {
  accountId: string;
  ownerId: string;
  entryId: string;
  amount: string;
  balance: string;
  currency: Currency;
}

/** `account.frozen.v1` and `account.unfrozen.v1`. */
export interface AccountStatusChangedV1 {
  accountId: string;
  status: AccountStatus;
  reason?: string;
  by: string;
}

/** `account.debited.v1` and `account.credited.v1`: one side of a captured transfer. */
export interface AccountTransferLegV1 {
  accountId: string;
  transferId: string;
  entryId: string;
  /** Signed: negative for the debit. */
  amount: string;
  balance: string;
  currency: Currency;
}

/** `transfer.completed.v1`, `transfer.rejected.v1`, `transfer.failed.v1` (topic `transfer.events`, key = transfer id). */
export interface TransferOutcomeV1 {
  transferId: string;
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  currency: Currency;
  lockMode: LockMode;
  initiatedBy: string;
  failureCode?: string;
}

/** `risk.assessed.v1` (topic `risk.events`, key = source account id). */
export interface RiskAssessedV1 {
  assessmentId: string;
  transferId: string;
  accountId: string;
  decision: RiskDecision;
  score: number;
  reasons: string[];
}

/** `GET /internal/reconciliation/balances` (account): every balance against its ledger, in one snapshot. */
export interface BalanceCheck {
  accounts: number;
  ledgerEntries: number;
  /** Accounts whose balance is not the sum of their ledger (at most a few hundred are listed). */
  mismatches: { accountId: string; ledgerSum: string; balance: string }[];
  /**
   * How many accounts mismatch in all, listed or not, counted in the same snapshot. Optional
   * because services deploy independently: an account service older than this field omits it,
   * and its list is then all there is.
   */
  mismatchCount?: number;
}

/** One ledger entry of a transfer, as `GET /internal/reconciliation/transfer-legs` lists them. */
export interface TransferLeg {
  transferId: string;
  accountId: string;
  type: 'TRANSFER_DEBIT' | 'TRANSFER_CREDIT';
  amount: string;
}

/** A page of transfer legs, all legs of each transfer together, ordered by transfer id. */
export interface TransferLegPage {
  legs: TransferLeg[];
  /** Pass as `after` for the next page; null on the last page. */
  next: string | null;
}

/** `reconciliation.completed.v1` (topic `transfer.events`, key = run id). */
export interface ReconciliationCompletedV1 {
  reconciliationId: string;
  status: 'CLEAN' | 'DISCREPANCIES';
  /** Every discrepancy found, including those the run's report does not list. */
  discrepancies: number;
}

/**
 * `POST /internal/accounts` (account): find, or open if missing, the one account a system owner
 * (the shop's merchant) keeps in a currency. Answers 200 with `AccountFacts` either way.
 */
export interface SystemAccountRequest {
  ownerId: string;
  currency: Currency;
}

/**
 * `POST /internal/transfers` (transaction), with header `Idempotency-Key`: a transfer made by a
 * service on behalf of `initiatedBy`, who must own `fromAccountId` (a payment by bank, or its
 * refund). It runs exactly as `POST /api/transfers` (risk, hold, capture) and answers the same
 * way: 201 `TransferView`-shaped body, or the same problem documents, replayed for the same key.
 */
export interface InternalTransferRequest {
  initiatedBy: string;
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  currency: Currency;
}
