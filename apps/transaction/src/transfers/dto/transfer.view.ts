import type { Currency, LockMode, RiskDecision } from '@bankshop/contracts';
import type { Transfer, TransferStatus } from '../domain/transfer.ts';

/** `Transfer` of API.md. */
export interface TransferView {
  id: string;
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  currency: Currency;
  status: TransferStatus;
  lockMode: LockMode;
  risk: { decision: RiskDecision; score: number; reasons: string[] } | null;
  failureCode?: string;
  description?: string;
  createdAt: string;
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
