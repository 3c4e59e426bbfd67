import type { ChargeOutcome, Payment } from '../domain/payment.ts';

/** What to do when a charge attempted earlier turns out never to have been made. */
export type IfNothingCharged = 'charge' | 'cancel';

/**
 * How money moves for one payment method. Every call is keyed by the payment
 * (`payment:<id>:charge`, `payment:<id>:refund`), so making it again is always safe; each returns
 * what definitely happened, or throws an upstream error when that cannot be known right now.
 */
export interface PaymentRail {
  /** The upstream named in errors and in the `503` of a payment left PENDING. */
  readonly upstream: string;

  charge(payment: Payment): Promise<ChargeOutcome>;

  /**
   * Learns what became of a charge that may have been attempted before (its request crashed or
   * gave up): the charge's outcome if it was made; otherwise it is made now (`charge`, when the
   * customer still wants to pay) or made impossible (`cancel`, when a refund is wanted instead).
   */
  resume(payment: Payment, ifNothingCharged: IfNothingCharged): Promise<ChargeOutcome>;

  /** Gives a captured payment back in full; returns the refund's reference. */
  refund(payment: Payment): Promise<string>;
}

/** The provider or the bank definitely refused a refund; nothing moved, and it will not move by itself. */
export class RefundRefused extends Error {
  override readonly name = 'RefundRefused';

  constructor(readonly reason: string) {
    super(`the refund was refused (${reason})`);
  }
}
