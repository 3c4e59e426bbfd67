import { Injectable } from '@nestjs/common';
import { BankTransfers, type TransferResult } from '../../bank/bank-transfers.ts';
import { PaymentConfig } from '../../config/payment.config.ts';
import type { ChargeOutcome, Payment } from '../domain/payment.ts';
import { RefundRefused, type PaymentRail } from './payment-rail.ts';

/**
 * Bank payments: a transfer from the customer's account to the merchant's, and back for a
 * refund, made by the transaction service exactly like a customer's own transfer (risk, hold,
 * capture). The merchant account was recorded on the payment before the first attempt, so every
 * attempt sends the very same request under the same key.
 */
@Injectable()
export class BankRail implements PaymentRail {
  readonly upstream = 'transaction';

  constructor(
    private readonly transfers: BankTransfers,
    private readonly config: PaymentConfig,
  ) {}

  async charge(payment: Payment): Promise<ChargeOutcome> {
    const { details, merchantAccountId } = payment.snapshot();
    const result = await this.transfers.transfer(payment.providerKey('charge'), {
      initiatedBy: details!.userId,
      fromAccountId: details!.accountId!,
      toAccountId: merchantAccountId!,
      amount: details!.amount.toString(),
      currency: details!.currency,
    });
    return outcomeOf(result);
  }

  /** The transaction service replays the transfer made with this key, or makes it if it never was. */
  resume(payment: Payment): Promise<ChargeOutcome> {
    return this.charge(payment);
  }

  async refund(payment: Payment): Promise<string> {
    const { details, merchantAccountId } = payment.snapshot();
    const result = await this.transfers.transfer(payment.providerKey('refund'), {
      initiatedBy: this.config.MERCHANT_USER_ID,
      fromAccountId: merchantAccountId!,
      toAccountId: details!.accountId!,
      amount: details!.amount.toString(),
      currency: details!.currency,
    });
    if (result.kind !== 'completed') throw new RefundRefused(result.code);
    return result.transferId;
  }
}

function outcomeOf(result: TransferResult): ChargeOutcome {
  switch (result.kind) {
    case 'completed':
      return { kind: 'captured', providerRef: result.transferId };
    case 'refused':
      return { kind: 'declined', providerRef: result.transferId };
    case 'failed':
      return { kind: 'failed' };
  }
}
