import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { RiskDecision } from '@bankshop/contracts';

/** What the risk service decided about a transfer. */
@ApiSchema({ name: 'RiskVerdict' })
export class RiskVerdictView {
  @ApiProperty({ enum: ['APPROVE', 'REJECT'], enumName: 'RiskDecision' })
  decision!: RiskDecision;

  @ApiProperty({ type: 'number', minimum: 0, maximum: 1, example: 0, description: 'From 0 (no risk signal) to 1.' })
  score!: number;

  @ApiProperty({ type: [String], example: [], description: 'The rules that fired, such as `MAX_AMOUNT`.' })
  reasons!: string[];
}
