import type { Currency } from '@bankshop/contracts';
import type { Money } from '@bankshop/money';

/** Nest injection token of the `CardProvider` in use. */
export const CARD_PROVIDER = Symbol('CardProvider');

export interface CardChargeRequest {
  /** The provider charges at most once per key, and answers a repeated key with the first charge. */
  key: string;
  token: string;
  amount: Money;
  currency: Currency;
  /** Shown on the provider's side, e.g. `Order <orderId>`. */
  description: string;
}

/**
 * What became of a charge, as the provider knows it:
 * - `succeeded`: the money is taken (`ref` is the charge id, `ch_...`);
 * - `declined`: the card was refused, nothing taken;
 * - `canceled`: nothing was taken and, with this key, nothing ever will be.
 */
export type CardCharge =
  | { status: 'succeeded'; ref: string }
  | { status: 'declined'; ref: string }
  | { status: 'canceled' };

export interface CardRefundRequest {
  key: string;
  /** The charge to give back in full. */
  chargeRef: string;
}

/**
 * A card provider (Stripe-like). Every method either returns what the provider definitely did or
 * throws an upstream error (`UpstreamUnavailableError`, `UpstreamTimeoutError`) when that cannot
 * be known right now; then nothing is concluded and the same call may be made again later.
 */
export interface CardProvider {
  /**
   * Charges the card once per key. If the provider fails or does not answer, it is asked what
   * became of the charge, cancelling it if it never happened: so the answer is always definite.
   */
  charge(request: CardChargeRequest): Promise<CardCharge>;

  /** The charge made with `key`, or null if there is none (yet). Changes nothing. */
  find(key: string): Promise<CardCharge | null>;

  /** Makes sure that no charge with `key` can happen any more, and says what became of it. */
  cancel(key: string): Promise<CardCharge>;

  /** Gives a succeeded charge back in full, once per key; returns the refund's id (`re_...`). */
  refund(request: CardRefundRequest): Promise<string>;
}

/** The provider refused a request outright (a 4xx other than a decline): a bug or a misconfiguration. */
export class CardProviderRefusal extends Error {
  override readonly name = 'CardProviderRefusal';

  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(`the card provider refused the request (${status} ${reason})`);
  }
}
