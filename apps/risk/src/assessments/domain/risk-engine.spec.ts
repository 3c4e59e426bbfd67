import { describe, expect, it } from 'vitest';
import { Money } from '@bankshop/money';
import { DEFAULT_SETTINGS, hoursBeforeNow, safeFacts } from '../../../test/risk-facts.ts';
import { assessRisk, combineScores } from './risk-engine.ts';
import type { RiskRule, RuleName } from './risk-rules.ts';

/** A rule that always or never fires, to test how the engine combines rules apart from the real ones. */
function rule(name: RuleName, score: number, options: { hard?: boolean; fires?: boolean } = {}): RiskRule {
  return { name, score, hard: options.hard ?? false, applies: () => options.fires ?? true };
}

describe('combineScores', () => {
  it('is 0 when no rule fired', () => {
    expect(combineScores([])).toBe(0);
  });

  it('is the score itself for a single signal', () => {
    expect(combineScores([0.6])).toBe(0.6);
  });

  it('lets independent signals reinforce each other: 0.6 and 0.5 make 0.8', () => {
    expect(combineScores([0.6, 0.5])).toBe(0.8);
  });

  it('does not depend on the order of the signals', () => {
    expect(combineScores([0.1, 0.2, 0.3])).toBe(combineScores([0.3, 0.1, 0.2]));
  });

  it('never exceeds 1, however many signals fire', () => {
    expect(combineScores([0.9, 0.9, 0.9, 0.9])).toBe(1);
    expect(combineScores([1, 0.5])).toBe(1);
  });

  it('rounds to two decimals, without floating-point residue', () => {
    // 1 - 0.9 * 0.8 is 0.2799999999999999 in floating point.
    expect(combineScores([0.1, 0.2])).toBe(0.28);
    expect(combineScores([0.333])).toBe(0.33);
  });
});

describe('assessRisk', () => {
  it('approves with score 0 and no reasons when no rule fires', () => {
    const rules = [rule('MAX_AMOUNT', 1, { hard: true, fires: false })];
    expect(assessRisk(safeFacts(), DEFAULT_SETTINGS, rules)).toEqual({ decision: 'APPROVE', score: 0, reasons: [] });
  });

  it('rejects when a hard rule fires, even with a threshold of 1', () => {
    const rules = [rule('FROZEN_ACCOUNT', 1, { hard: true })];
    const outcome = assessRisk(safeFacts(), { ...DEFAULT_SETTINGS, rejectScore: 1 }, rules);
    expect(outcome).toEqual({ decision: 'REJECT', score: 1, reasons: ['FROZEN_ACCOUNT'] });
  });

  it('approves a soft signal below RISK_REJECT_SCORE, still listing its reason', () => {
    const outcome = assessRisk(safeFacts(), DEFAULT_SETTINGS, [rule('AMOUNT_FAR_ABOVE_USUAL', 0.5)]);
    expect(outcome).toEqual({ decision: 'APPROVE', score: 0.5, reasons: ['AMOUNT_FAR_ABOVE_USUAL'] });
  });

  it('rejects soft signals whose combined score reaches RISK_REJECT_SCORE exactly', () => {
    const rules = [rule('NEW_ACCOUNT_LARGE_FIRST_TRANSFER', 0.6), rule('AMOUNT_FAR_ABOVE_USUAL', 0.5)];
    const outcome = assessRisk(safeFacts(), DEFAULT_SETTINGS, rules);
    expect(outcome).toEqual({ decision: 'REJECT', score: 0.8, reasons: ['NEW_ACCOUNT_LARGE_FIRST_TRANSFER', 'AMOUNT_FAR_ABOVE_USUAL'] });
  });

  it('approves a combined score just below RISK_REJECT_SCORE', () => {
    const rules = [rule('NEW_ACCOUNT_LARGE_FIRST_TRANSFER', 0.6), rule('AMOUNT_FAR_ABOVE_USUAL', 0.5)];
    expect(assessRisk(safeFacts(), { ...DEFAULT_SETTINGS, rejectScore: 0.81 }, rules).decision).toBe('APPROVE');
  });

  it('lists only the rules that fired, in rule order', () => {
    const rules = [
      rule('MAX_AMOUNT', 1, { hard: true, fires: false }),
      rule('VELOCITY', 1, { hard: true }),
      rule('FROZEN_ACCOUNT', 1, { hard: true }),
    ];
    expect(assessRisk(safeFacts(), DEFAULT_SETTINGS, rules).reasons).toEqual(['VELOCITY', 'FROZEN_ACCOUNT']);
  });

  describe('with the real rules', () => {
    it('approves an ordinary transfer', () => {
      expect(assessRisk(safeFacts(), DEFAULT_SETTINGS)).toEqual({ decision: 'APPROVE', score: 0, reasons: [] });
    });

    // A wealthy account's usual, so that large amounts are not also far above usual.
    const wealthy = { completedTransfers: 10, totalAmount: Money.of('5000000.00') };

    it('rejects an amount above RISK_MAX_AMOUNT with the full score', () => {
      const outcome = assessRisk(safeFacts({ amount: Money.of('1000000.01'), history: wealthy }), DEFAULT_SETTINGS);
      expect(outcome).toEqual({ decision: 'REJECT', score: 1, reasons: ['MAX_AMOUNT'] });
    });

    it('fails closed when the velocity count is unknown', () => {
      const outcome = assessRisk(safeFacts({ recentTransfers: null }), DEFAULT_SETTINGS);
      expect(outcome).toEqual({ decision: 'REJECT', score: 1, reasons: ['VELOCITY_UNAVAILABLE'] });
    });

    it('lists every hard rule that fired', () => {
      const facts = safeFacts({ amount: Money.of('2000000.00'), recentTransfers: 700, history: wealthy });
      const outcome = assessRisk({ ...facts, toAccount: { ...facts.toAccount, status: 'FROZEN' } }, DEFAULT_SETTINGS);
      expect(outcome).toEqual({ decision: 'REJECT', score: 1, reasons: ['MAX_AMOUNT', 'VELOCITY', 'FROZEN_ACCOUNT'] });
    });

    it('approves a large first transfer from a new account at the default threshold, scoring 0.6', () => {
      const facts = safeFacts({ amount: Money.of('10000.00'), history: { completedTransfers: 0, totalAmount: Money.zero() } });
      const outcome = assessRisk({ ...facts, fromAccount: { ...facts.fromAccount, createdAt: hoursBeforeNow(1) } }, DEFAULT_SETTINGS);
      expect(outcome).toEqual({ decision: 'APPROVE', score: 0.6, reasons: ['NEW_ACCOUNT_LARGE_FIRST_TRANSFER'] });
    });

    it('rejects the same transfer when RISK_REJECT_SCORE is lowered to its score', () => {
      const facts = safeFacts({ amount: Money.of('10000.00'), history: { completedTransfers: 0, totalAmount: Money.zero() } });
      const young = { ...facts, fromAccount: { ...facts.fromAccount, createdAt: hoursBeforeNow(1) } };
      expect(assessRisk(young, { ...DEFAULT_SETTINGS, rejectScore: 0.6 }).decision).toBe('REJECT');
    });

    it('approves an amount far above usual at the default threshold, scoring 0.5', () => {
      const facts = safeFacts({ amount: Money.of('1000.01'), history: { completedTransfers: 10, totalAmount: Money.of('1000.00') } });
      expect(assessRisk(facts, DEFAULT_SETTINGS)).toEqual({ decision: 'APPROVE', score: 0.5, reasons: ['AMOUNT_FAR_ABOVE_USUAL'] });
    });
  });
});
