import type { RiskDecision } from '@bankshop/contracts';
import { RISK_RULES, type RiskFacts, type RiskRule, type RiskSettings, type RuleName } from './risk-rules.ts';

/** What the rules concluded about one transfer. */
export interface RiskOutcome {
  decision: RiskDecision;
  /** In [0, 1], two decimals; higher is riskier. */
  score: number;
  /** The names of the rules that fired, in rule order; empty when none did. */
  reasons: RuleName[];
}

/**
 * Runs every rule over the facts. The transfer is rejected when a hard rule fired or when the
 * combined score reaches the threshold; otherwise approved, with any soft signals still listed,
 * so admins see why an approved transfer scored above zero.
 */
export function assessRisk(facts: RiskFacts, settings: RiskSettings, rules: readonly RiskRule[] = RISK_RULES): RiskOutcome {
  const fired = rules.filter((rule) => rule.applies(facts, settings));
  const score = combineScores(fired.map((rule) => rule.score));
  const reject = fired.some((rule) => rule.hard) || score >= settings.rejectScore;
  return { decision: reject ? 'REJECT' : 'APPROVE', score, reasons: fired.map((rule) => rule.name) };
}

/**
 * 1 − Π(1 − sᵢ), rounded to two decimals: the chance that at least one of several independent
 * signals is right. Signals reinforce each other (0.6 and 0.5 make 0.8) but never pass 1, and
 * adding a rule never lowers a score, which a plain sum or an average would not guarantee.
 */
export function combineScores(scores: readonly number[]): number {
  const allWrong = scores.reduce((product, score) => product * (1 - score), 1);
  return Math.round((1 - allWrong) * 100) / 100;
}
