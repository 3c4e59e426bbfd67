import type { Currency, RiskAssessmentResult, RiskDecision } from '@bankshop/contracts';
import type { Assessment } from '../persistence/assessment.entity.ts';

/** An assessment as admins see it; money as a string with two decimals, times in ISO 8601. */
export interface AssessmentView {
  id: string;
  transferId: string;
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  currency: Currency;
  decision: RiskDecision;
  score: number;
  reasons: string[];
  createdAt: string;
}

export function toAssessmentView(assessment: Assessment): AssessmentView {
  return {
    id: assessment.id,
    transferId: assessment.transferId,
    fromAccountId: assessment.fromAccountId,
    toAccountId: assessment.toAccountId,
    amount: assessment.amount.toString(),
    currency: assessment.currency,
    decision: assessment.decision,
    score: assessment.score,
    reasons: assessment.reasons,
    createdAt: assessment.createdAt.toISOString(),
  };
}

/** The answer to the transaction service (`RiskAssessmentResult` of the contracts). */
export function toAssessmentResult(assessment: Assessment): RiskAssessmentResult {
  return {
    id: assessment.id,
    transferId: assessment.transferId,
    decision: assessment.decision,
    score: assessment.score,
    reasons: assessment.reasons,
  };
}
