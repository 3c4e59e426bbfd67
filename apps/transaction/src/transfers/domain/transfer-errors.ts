import { DomainError, type ErrorCode } from '@bankshop/contracts';

export class TransferNotFoundError extends DomainError {
  readonly code = 'TRANSFER_NOT_FOUND';

  constructor() {
    super('No such transfer.');
  }
}

export class RiskRejectedError extends DomainError {
  readonly code = 'RISK_REJECTED';

  constructor(transferId: string, reasons: string[]) {
    super('The transfer was rejected by risk checks.', { transferId, transferStatus: 'REJECTED', reasons });
  }
}

const REFUSALS = {
  ACCOUNT_NOT_FOUND: 'No such account.',
  SAME_ACCOUNT: 'The source and destination accounts must differ.',
  CURRENCY_MISMATCH: 'Both accounts must hold the same currency.',
  ACCOUNT_FROZEN: 'One of the accounts is frozen; no money can move in or out of it.',
  INSUFFICIENT_FUNDS: 'The available balance of the source account is too low for this amount.',
} as const satisfies Partial<Record<ErrorCode, string>>;

export type RefusalCode = keyof typeof REFUSALS;

export function isRefusalCode(code: string): code is RefusalCode {
  return code in REFUSALS;
}

/**
 * A business refusal: checked here before a transfer exists, or answered by the account service
 * during prepare or commit (then `transferId` names the transfer it ended).
 */
export class TransferRefusedError extends DomainError {
  constructor(
    readonly code: RefusalCode,
    extensions: Record<string, unknown> = {},
  ) {
    super(REFUSALS[code], extensions);
  }
}
