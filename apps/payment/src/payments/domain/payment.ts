import type { Currency, PaymentFailureReason, PaymentMethod, PaymentStatus } from '@bankshop/contracts';
import type { Money } from '@bankshop/money';

/** What the customer asked to be charged; absent only on a tombstone (see `Payment.cancelledBeforeCharge`). */
export interface ChargeDetails {
  orderId: string;
  userId: string;
  method: PaymentMethod;
  amount: Money;
  currency: Currency;
  /** Card payments: the provider's token (`tok_visa`); a reference, not a card number. */
  cardToken: string | null;
  /** Bank payments: the customer's account to pay from. */
  accountId: string | null;
  /** A digest of the request, so that the same key with another request is refused. */
  requestHash: string;
}

export interface PaymentState {
  id: string;
  /** The caller's idempotency key for the charge (`<sagaId>:CHARGE_PAYMENT`): one payment per key. */
  chargeKey: string;
  details: ChargeDetails | null;
  status: PaymentStatus;
  failureReason: PaymentFailureReason | null;
  /** The card provider's charge id (`ch_...`) or the bank transfer's id. */
  providerRef: string | null;
  /** Bank payments: the merchant account paid into, recorded before the transfer is first sent. */
  merchantAccountId: string | null;
  /** The caller's idempotency key of the refund, once one was asked for. */
  refundKey: string | null;
  refundRequestedAt: Date | null;
  /** The provider's refund id (`re_...`) or the reverse transfer's id. */
  refundRef: string | null;
  createdAt: Date;
}

/** How a payment looked before a change: the store writes the change only if it still looks so. */
export interface PaymentCondition {
  status: PaymentStatus;
  refundRequested: boolean;
}

/** What the provider or the bank said about a charge. */
export type ChargeOutcome =
  | { kind: 'captured'; providerRef: string }
  | { kind: 'declined'; providerRef: string | null }
  | { kind: 'failed' };

/** A transition that the state machine does not allow: always a programming error. */
export class IllegalPaymentTransition extends Error {
  override readonly name = 'IllegalPaymentTransition';
}

/**
 * A payment and its state machine:
 *
 * ```
 * PENDING --> CAPTURED --(refund requested)--> REFUNDED
 *    |------> DECLINED      (no money moved)
 *    '------> FAILED        (no money moved)
 * (none) ---> CANCELLED     (refunded before it was charged: a tombstone)
 * ```
 *
 * A refund is asked for first (recorded on the CAPTURED payment, so that a crash cannot forget
 * it) and then made; only then is the payment REFUNDED. Nothing leaves DECLINED, FAILED,
 * REFUNDED or CANCELLED.
 */
export class Payment {
  constructor(private state: PaymentState) {}

  static start(id: string, chargeKey: string, details: ChargeDetails, createdAt: Date): Payment {
    return new Payment({
      id,
      chargeKey,
      details,
      status: 'PENDING',
      failureReason: null,
      providerRef: null,
      merchantAccountId: null,
      refundKey: null,
      refundRequestedAt: null,
      refundRef: null,
      createdAt,
    });
  }

  /**
   * A refund arrived for a charge never made (the checkout gave up before its charge got
   * through). Recording it CANCELLED under the charge key means that the late charge, if it ever
   * comes, finds it and takes nothing.
   */
  static cancelledBeforeCharge(id: string, chargeKey: string, refundKey: string, at: Date): Payment {
    return new Payment({
      id,
      chargeKey,
      details: null,
      status: 'CANCELLED',
      failureReason: null,
      providerRef: null,
      merchantAccountId: null,
      refundKey,
      refundRequestedAt: at,
      refundRef: null,
      createdAt: at,
    });
  }

  get id(): string {
    return this.state.id;
  }

  get status(): PaymentStatus {
    return this.state.status;
  }

  get chargeKey(): string {
    return this.state.chargeKey;
  }

  get method(): PaymentMethod | null {
    return this.state.details?.method ?? null;
  }

  get refundRequested(): boolean {
    return this.state.refundRequestedAt !== null;
  }

  /** A tombstone: cancelled before any charge, so it has no charge details. */
  get isTombstone(): boolean {
    return this.state.details === null;
  }

  /** Work is left to do: a charge whose outcome is not known, or a refund asked for but not made. */
  get isUnsettled(): boolean {
    return this.state.status === 'PENDING' || (this.state.status === 'CAPTURED' && this.refundRequested);
  }

  get condition(): PaymentCondition {
    return { status: this.state.status, refundRequested: this.refundRequested };
  }

  /** The details of a charge; throws on a tombstone, which has none. */
  get details(): ChargeDetails {
    if (!this.state.details) throw new IllegalPaymentTransition(`payment ${this.id} was cancelled before it was charged`);
    return this.state.details;
  }

  /** The idempotency key of this payment's call to the provider or the bank. */
  providerKey(purpose: 'charge' | 'refund'): string {
    return `payment:${this.id}:${purpose}`;
  }

  snapshot(): Readonly<PaymentState> {
    return { ...this.state };
  }

  /** Whether a charge request is the one this payment was made for (a tombstone takes any). */
  isChargedBy(requestHash: string): boolean {
    return this.state.details === null || this.state.details.requestHash === requestHash;
  }

  isVisibleTo(userId: string): boolean {
    return this.state.details?.userId === userId;
  }

  /** A late charge found the tombstone: keep what it asked for, for the record, and take nothing. */
  adoptLateCharge(details: ChargeDetails): void {
    this.expect('CANCELLED');
    if (this.state.details) throw new IllegalPaymentTransition(`payment ${this.id} already has its charge details`);
    this.apply({ details });
  }

  payInto(merchantAccountId: string): void {
    this.expect('PENDING');
    if (this.details.method !== 'bank') throw new IllegalPaymentTransition(`payment ${this.id} is not a bank payment`);
    this.apply({ merchantAccountId });
  }

  /** Applies what the provider or the bank said about the charge. */
  settle(outcome: ChargeOutcome): void {
    this.expect('PENDING');
    switch (outcome.kind) {
      case 'captured':
        return this.apply({ status: 'CAPTURED', providerRef: outcome.providerRef });
      case 'declined':
        return this.apply({ status: 'DECLINED', providerRef: outcome.providerRef, failureReason: 'PAYMENT_DECLINED' });
      case 'failed':
        return this.apply({ status: 'FAILED', failureReason: 'PAYMENT_FAILED' });
    }
  }

  requestRefund(refundKey: string, at: Date): void {
    this.expect('CAPTURED');
    if (this.refundRequested) throw new IllegalPaymentTransition(`payment ${this.id} already has a refund requested`);
    this.apply({ refundKey, refundRequestedAt: at });
  }

  refunded(refundRef: string): void {
    this.expect('CAPTURED');
    if (!this.refundRequested) throw new IllegalPaymentTransition(`payment ${this.id} has no refund requested`);
    this.apply({ status: 'REFUNDED', refundRef });
  }

  private expect(status: PaymentStatus): void {
    if (this.state.status !== status) {
      throw new IllegalPaymentTransition(`payment ${this.id} is ${this.state.status}, expected ${status}`);
    }
  }

  private apply(change: Partial<PaymentState>): void {
    this.state = { ...this.state, ...change };
  }
}
