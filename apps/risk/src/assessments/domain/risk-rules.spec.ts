import { describe, expect, it } from 'vitest';
import { Money } from '@bankshop/money';
import { DEFAULT_SETTINGS, hoursBeforeNow, safeFacts } from '../../../test/risk-facts.ts';
import { RISK_RULES, RULE_NAMES, type RiskFacts, type RiskSettings, type RuleName } from './risk-rules.ts';

function fires(name: RuleName, facts: RiskFacts, settings: RiskSettings = DEFAULT_SETTINGS): boolean {
  const rule = RISK_RULES.find((candidate) => candidate.name === name);
  if (!rule) throw new Error(`no rule named ${name}`);
  return rule.applies(facts, settings);
}

describe('the rule table', () => {
  it('has exactly one rule per reason code, in the documented order', () => {
    expect(RISK_RULES.map((rule) => rule.name)).toEqual([...RULE_NAMES]);
  });

  it('gives every hard rule the full score of 1', () => {
    const hard = RISK_RULES.filter((rule) => rule.hard);
    expect(hard.map((rule) => rule.name)).toEqual(['MAX_AMOUNT', 'VELOCITY', 'VELOCITY_UNAVAILABLE', 'FROZEN_ACCOUNT']);
    expect(hard.every((rule) => rule.score === 1)).toBe(true);
  });

  it('gives the soft rules their documented scores', () => {
    const soft = RISK_RULES.filter((rule) => !rule.hard).map(({ name, score }) => ({ name, score }));
    expect(soft).toEqual([
      { name: 'NEW_ACCOUNT_LARGE_FIRST_TRANSFER', score: 0.6 },
      { name: 'AMOUNT_FAR_ABOVE_USUAL', score: 0.5 },
    ]);
  });

  it('lets an ordinary transfer through every rule', () => {
    expect(RISK_RULES.filter((rule) => rule.applies(safeFacts(), DEFAULT_SETTINGS))).toEqual([]);
  });
});

describe('MAX_AMOUNT', () => {
  it('does not fire at exactly RISK_MAX_AMOUNT', () => {
    expect(fires('MAX_AMOUNT', safeFacts({ amount: Money.of('1000000.00') }))).toBe(false);
  });

  it('fires one cent above RISK_MAX_AMOUNT', () => {
    expect(fires('MAX_AMOUNT', safeFacts({ amount: Money.of('1000000.01') }))).toBe(true);
  });

  it('uses the configured maximum', () => {
    const settings = { ...DEFAULT_SETTINGS, maxAmount: Money.of('50.00') };
    expect(fires('MAX_AMOUNT', safeFacts({ amount: Money.of('50.00') }), settings)).toBe(false);
    expect(fires('MAX_AMOUNT', safeFacts({ amount: Money.of('50.01') }), settings)).toBe(true);
  });
});

describe('VELOCITY', () => {
  it('does not fire at exactly RISK_MAX_TRANSFERS_PER_MIN transfers in the last minute', () => {
    expect(fires('VELOCITY', safeFacts({ recentTransfers: 600 }))).toBe(false);
  });

  it('fires at one transfer more', () => {
    expect(fires('VELOCITY', safeFacts({ recentTransfers: 601 }))).toBe(true);
  });

  it('uses the configured limit', () => {
    const settings = { ...DEFAULT_SETTINGS, maxTransfersPerMinute: 5 };
    expect(fires('VELOCITY', safeFacts({ recentTransfers: 5 }), settings)).toBe(false);
    expect(fires('VELOCITY', safeFacts({ recentTransfers: 6 }), settings)).toBe(true);
  });

  it('leaves an unknown count to VELOCITY_UNAVAILABLE', () => {
    expect(fires('VELOCITY', safeFacts({ recentTransfers: null }))).toBe(false);
  });
});

describe('VELOCITY_UNAVAILABLE', () => {
  it('fires when the count of recent transfers is unknown', () => {
    expect(fires('VELOCITY_UNAVAILABLE', safeFacts({ recentTransfers: null }))).toBe(true);
  });

  it.each([0, 1, 601])('does not fire when the count is known (%i)', (recentTransfers) => {
    expect(fires('VELOCITY_UNAVAILABLE', safeFacts({ recentTransfers }))).toBe(false);
  });
});

describe('FROZEN_ACCOUNT', () => {
  const facts = safeFacts();

  it.each(['FROZEN', 'CLOSED'] as const)('fires when the source account is %s', (status) => {
    expect(fires('FROZEN_ACCOUNT', { ...facts, fromAccount: { ...facts.fromAccount, status } })).toBe(true);
  });

  it.each(['FROZEN', 'CLOSED'] as const)('fires when the destination account is %s', (status) => {
    expect(fires('FROZEN_ACCOUNT', { ...facts, toAccount: { ...facts.toAccount, status } })).toBe(true);
  });

  it('does not fire when both accounts are ACTIVE', () => {
    expect(fires('FROZEN_ACCOUNT', facts)).toBe(false);
  });
});

describe('NEW_ACCOUNT_LARGE_FIRST_TRANSFER', () => {
  // One hour old, never sent a transfer, sending exactly RISK_NEW_ACCOUNT_LARGE_AMOUNT.
  const base = safeFacts();
  const suspicious = safeFacts({
    amount: Money.of('10000.00'),
    fromAccount: { ...base.fromAccount, createdAt: hoursBeforeNow(1) },
    history: { completedTransfers: 0, totalAmount: Money.zero() },
  });
  const createdAt = (date: Date): RiskFacts => ({ ...suspicious, fromAccount: { ...suspicious.fromAccount, createdAt: date } });

  it('fires for a first transfer of exactly RISK_NEW_ACCOUNT_LARGE_AMOUNT from a young account', () => {
    expect(fires('NEW_ACCOUNT_LARGE_FIRST_TRANSFER', suspicious)).toBe(true);
  });

  it('does not fire one cent below RISK_NEW_ACCOUNT_LARGE_AMOUNT', () => {
    expect(fires('NEW_ACCOUNT_LARGE_FIRST_TRANSFER', { ...suspicious, amount: Money.of('9999.99') })).toBe(false);
  });

  it('fires one millisecond before the account is RISK_NEW_ACCOUNT_HOURS old', () => {
    expect(fires('NEW_ACCOUNT_LARGE_FIRST_TRANSFER', createdAt(hoursBeforeNow(24, 1)))).toBe(true);
  });

  it('does not fire once the account is exactly RISK_NEW_ACCOUNT_HOURS old', () => {
    expect(fires('NEW_ACCOUNT_LARGE_FIRST_TRANSFER', createdAt(hoursBeforeNow(24)))).toBe(false);
  });

  it('does not fire when the account has completed a transfer before', () => {
    const history = { completedTransfers: 1, totalAmount: Money.of('5.00') };
    expect(fires('NEW_ACCOUNT_LARGE_FIRST_TRANSFER', { ...suspicious, history })).toBe(false);
  });

  it('uses the configured age and amount', () => {
    const settings = { ...DEFAULT_SETTINGS, newAccountHours: 2, newAccountLargeAmount: Money.of('500.00') };
    const facts = { ...createdAt(hoursBeforeNow(2, 1)), amount: Money.of('500.00') };
    expect(fires('NEW_ACCOUNT_LARGE_FIRST_TRANSFER', facts, settings)).toBe(true);
    expect(fires('NEW_ACCOUNT_LARGE_FIRST_TRANSFER', createdAt(hoursBeforeNow(2)), settings)).toBe(false);
  });
});

describe('AMOUNT_FAR_ABOVE_USUAL', () => {
  // Three transfers averaging 20.00: ten times the usual is 200.00.
  const usual = safeFacts({ history: { completedTransfers: 3, totalAmount: Money.of('60.00') } });
  const sending = (amount: string): RiskFacts => ({ ...usual, amount: Money.of(amount) });

  it('does not fire at exactly RISK_UNUSUAL_AMOUNT_MULTIPLIER times the average', () => {
    expect(fires('AMOUNT_FAR_ABOVE_USUAL', sending('200.00'))).toBe(false);
  });

  it('fires one cent above it', () => {
    expect(fires('AMOUNT_FAR_ABOVE_USUAL', sending('200.01'))).toBe(true);
  });

  it('compares exactly when the average is not a whole number of cents', () => {
    // 100.00 over 3 transfers averages 33.333...; ten times that is 333.333...
    const history = { completedTransfers: 3, totalAmount: Money.of('100.00') };
    expect(fires('AMOUNT_FAR_ABOVE_USUAL', { ...usual, history, amount: Money.of('333.33') })).toBe(false);
    expect(fires('AMOUNT_FAR_ABOVE_USUAL', { ...usual, history, amount: Money.of('333.34') })).toBe(true);
  });

  it('does not fire with fewer than RISK_UNUSUAL_MIN_HISTORY completed transfers', () => {
    const history = { completedTransfers: 2, totalAmount: Money.of('2.00') };
    expect(fires('AMOUNT_FAR_ABOVE_USUAL', { ...usual, history, amount: Money.of('900000.00') })).toBe(false);
  });

  it('uses the configured multiplier and history length', () => {
    const settings = { ...DEFAULT_SETTINGS, unusualAmountMultiplier: 2, unusualMinHistory: 1 };
    const history = { completedTransfers: 1, totalAmount: Money.of('20.00') };
    expect(fires('AMOUNT_FAR_ABOVE_USUAL', { ...usual, history, amount: Money.of('40.00') }, settings)).toBe(false);
    expect(fires('AMOUNT_FAR_ABOVE_USUAL', { ...usual, history, amount: Money.of('40.01') }, settings)).toBe(true);
  });
});
