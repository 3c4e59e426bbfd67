import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { Currency, LockMode } from '@bankshop/contracts';
import { ApiCurrency, ApiMoney } from '@bankshop/platform';
import type { Transfer, TransferStatus } from '../domain/transfer.ts';
import { RiskVerdictView } from './risk-verdict.view.ts';

const TRANSFER_STATUSES = ['COMPLETED', 'REJECTED', 'FAILED', 'PENDING'] as const satisfies readonly TransferStatus[];

/** `Transfer` of API.md. */
@ApiSchema({ name: 'Transfer' })
export class TransferView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  fromAccountId!: string;

  @ApiProperty({ format: 'uuid' })
  toAccountId!: string;

  @ApiMoney()
  amount!: string;

  @ApiCurrency()
  currency!: Currency;

  @ApiProperty({ enum: TRANSFER_STATUSES, enumName: 'TransferStatus' })
  status!: TransferStatus;

  @ApiProperty({ enum: ['pessimistic', 'optimistic'], enumName: 'LockMode' })
  lockMode!: LockMode;

  @ApiProperty({ type: () => RiskVerdictView, nullable: true, description: 'Null until the risk service has decided.' })
  risk!: RiskVerdictView | null;

  @ApiPropertyOptional({ example: 'INSUFFICIENT_FUNDS', description: 'Why a `REJECTED` or `FAILED` transfer did not complete.' })
  failureCode?: string;

  @ApiPropertyOptional({ example: 'Rent for March' })
  description?: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiPropertyOptional({ format: 'date-time' })
  completedAt?: string;
}

export function toTransferView(transfer: Transfer): TransferView {
  const state = transfer.snapshot();
  return {
    id: state.id,
    fromAccountId: state.fromAccountId,
    toAccountId: state.toAccountId,
    amount: state.amount.toString(),
    currency: state.currency,
    status: state.status,
    lockMode: state.lockMode,
    risk: state.risk,
    ...(state.failureCode ? { failureCode: state.failureCode } : {}),
    ...(state.description ? { description: state.description } : {}),
    createdAt: state.createdAt.toISOString(),
    ...(state.completedAt ? { completedAt: state.completedAt.toISOString() } : {}),
  };
}
