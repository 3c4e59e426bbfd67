import type { AccountStatus, Currency } from '@bankshop/contracts';
import type { Money } from '@bankshop/money';

/** Everything the rules may look at, gathered before any rule runs; rules never do I/O. */
export interface RiskFacts {
  amount: Money;
  currency: Currency;
  fromAccount: { id: string; status: AccountStatus; createdAt: Date };
  toAccount: { id: string; status: AccountStatus };
  /**
   * Transfers from the source account assessed in the last 60 seconds, this one included; `null`
   * when the counter could not be read.
   */
  recentTransfers: number | null;
  history: AccountHistory;
  now: Date;
}

/** The source account's completed outgoing transfers (one account has one currency). */
export interface AccountHistory {
  completedTransfers: number;
  totalAmount: Money;
}

/** The thresholds of the rules, from the `RISK_*` environment variables. */
export interface RiskSettings {
  maxAmount: Money;
  maxTransfersPerMinute: number;
  newAccountHours: number;
  newAccountLargeAmount: Money;
  unusualAmountMultiplier: number;
  unusualMinHistory: number;
  rejectScore: number;
}

/**
 * The stable reason codes of an assessment: each is the name of the rule that fired. Callers and
 * dashboards switch on them, so a code is never renamed or reused.
 */
export const RULE_NAMES = [
  'MAX_AMOUNT',
  'VELOCITY',
  'VELOCITY_UNAVAILABLE',
  'FROZEN_ACCOUNT',
  'NEW_ACCOUNT_LARGE_FIRST_TRANSFER',
  'AMOUNT_FAR_ABOVE_USUAL',
] as const;

export type RuleName = (typeof RULE_NAMES)[number];

/**
 * One rule, as data: what it is called, how much it adds to the score when it fires, and a pure
 * predicate over the facts. A hard rule rejects on its own, whatever the threshold.
 */
export interface RiskRule {
  name: RuleName;
  hard: boolean;
  /** In (0, 1]: how sure this signal alone is that the transfer is bad. */
  score: number;
  applies(facts: RiskFacts, settings: RiskSettings): boolean;
}

const HOUR_MS = 3_600_000;

// Money may neither leave nor enter a frozen or closed account. Anything but ACTIVE counts, so a
// status added later is blocked until someone decides otherwise.
const isBlocked = (status: AccountStatus) => status !== 'ACTIVE';

/** Every rule, in the order their reasons are listed. */
export const RISK_RULES: readonly RiskRule[] = [
  {
    name: 'MAX_AMOUNT',
    hard: true,
    score: 1,
    applies: (facts, settings) => facts.amount.gt(settings.maxAmount),
  },
  {
    name: 'VELOCITY',
    hard: true,
    score: 1,
    applies: (facts, settings) => facts.recentTransfers !== null && facts.recentTransfers > settings.maxTransfersPerMinute,
  },
  {
    // Fail closed: without the count nobody can tell whether the account is being drained by a
    // burst of transfers, and a wrongly refused transfer can be retried while a wrongly approved
    // one cannot be undone. The transaction service fails closed the same way when risk is down.
    name: 'VELOCITY_UNAVAILABLE',
    hard: true,
    score: 1,
    applies: (facts) => facts.recentTransfers === null,
  },
  {
    name: 'FROZEN_ACCOUNT',
    hard: true,
    score: 1,
    applies: (facts) => isBlocked(facts.fromAccount.status) || isBlocked(facts.toAccount.status),
  },
  {
    // A classic pattern of stolen credentials and mule accounts: open, fund, move it all out.
    name: 'NEW_ACCOUNT_LARGE_FIRST_TRANSFER',
    hard: false,
    score: 0.6,
    applies: (facts, settings) =>
      facts.now.getTime() - facts.fromAccount.createdAt.getTime() < settings.newAccountHours * HOUR_MS &&
      facts.history.completedTransfers === 0 &&
      facts.amount.gte(settings.newAccountLargeAmount),
  },
  {
    // amount > (total / count) × multiplier, cross-multiplied: amount × count > total × multiplier.
    // Money has no division (it would need a rounding rule); multiplying by whole numbers is exact.
    name: 'AMOUNT_FAR_ABOVE_USUAL',
    hard: false,
    score: 0.5,
    applies: ({ amount, history }, settings) =>
      history.completedTransfers >= settings.unusualMinHistory &&
      amount.times(history.completedTransfers).gt(history.totalAmount.times(settings.unusualAmountMultiplier)),
  },
];
