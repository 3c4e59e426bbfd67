import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { Currency, RiskAssessmentResult, RiskDecision } from '@bankshop/contracts';
import { ApiCurrency, ApiMoney } from '@bankshop/platform';
import { RULE_NAMES } from '../domain/risk-rules.ts';
import type { Assessment } from '../persistence/assessment.entity.ts';

/** An assessment as admins see it; money as a string with two decimals, times in ISO 8601. */
@ApiSchema({ name: 'Assessment' })
export class AssessmentView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  transferId!: string;

  @ApiProperty({ format: 'uuid' })
  fromAccountId!: string;

  @ApiProperty({ format: 'uuid' })
  toAccountId!: string;

  @ApiMoney()
  amount!: string;

  @ApiCurrency()
  currency!: Currency;

  @ApiProperty({ enum: ['APPROVE', 'REJECT'], enumName: 'RiskDecision' })
  decision!: RiskDecision;

  @ApiProperty({ type: 'number', minimum: 0, maximum: 1, example: 0.35, description: 'From 0 (no risk signal) to 1.' })
  score!: number;

  @ApiProperty({
    type: 'array',
    items: { type: 'string', enum: [...RULE_NAMES] },
    example: ['AMOUNT_FAR_ABOVE_USUAL'],
    description: 'The rules that fired; stable codes, never renamed.',
  })
  reasons!: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
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
