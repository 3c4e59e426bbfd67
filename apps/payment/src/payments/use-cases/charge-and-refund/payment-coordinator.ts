import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UpstreamTimeoutError, UpstreamUnavailableError, type PaymentChangedV1 } from '@bankshop/contracts';
import { auditEvent, Outbox, type NewEvent } from '@bankshop/messaging';
import { Money } from '@bankshop/money';
import { IdempotencyKeyReusedError, isUniqueViolation } from '@bankshop/platform';
import { meter, withSpan } from '@bankshop/telemetry';
import { MerchantAccounts } from '../../../bank/merchant-accounts.ts';
import { PaymentConfig } from '../../../config/payment.config.ts';
import { Payment, type ChargeDetails, type ChargeOutcome } from '../../domain/payment.ts';
import { PaymentInProgressError } from '../../domain/payment-errors.ts';
import type { ChargePaymentDto } from '../../dto/charge-payment.dto.ts';
import { PaymentStore } from '../../persistence/payment.store.ts';
import { BankRail } from '../../rails/bank-rail.ts';
import { CardRail } from '../../rails/card-rail.ts';
import { RefundRefused, type IfNothingCharged, type PaymentRail } from '../../rails/payment-rail.ts';

/** The metric contract (otel/metrics.yaml): attempts that ended, by provider and outcome. */
const attempts = meter().createCounter('bankshop.payments', {
  description: 'Payment attempts by provider and outcome; payment success = succeeded / all, per provider',
});

const METRIC_OUTCOME = { CAPTURED: 'succeeded', DECLINED: 'declined', FAILED: 'failed' } as const;

/** A refund the provider or bank refused is tried again only after this (it needs someone to look at it). */
const REFUSED_REFUND_RETRY_MS = 60_000;

/** Another request or the sweeper changed the payment while this one worked on it. */
class Superseded extends Error {
  override readonly name = 'Superseded';
}

/**
 * Charges and refunds, each safe against retries, concurrent calls and crashes:
 *
 * 1. The payment is written PENDING under its charge key (unique) before the provider or the bank
 *    is called, holding a lease. A second call with the key finds it: the same payment, its
 *    outcome, or 409 while the first still runs.
 * 2. The provider or bank is called with a key derived from the payment, so a call made again
 *    (by a retry, a takeover after a crash, or the sweeper) never charges twice.
 * 3. The outcome is written with a compare-and-set on the status, together with its event and its
 *    audit record. If the outcome cannot be learnt (the provider or bank is unreachable), the
 *    payment stays PENDING and the caller is told 503, to ask again with the same key; the next
 *    call, or the recovery sweeper, finds out (`resume`).
 *
 * A refund is recorded on the payment (CAPTURED, refund requested) before it is made, and made
 * with a key of its own, so it too happens once. A refund for a charge never made leaves a
 * CANCELLED tombstone under the charge key, which a late charge finds instead of charging.
 */
@Injectable()
export class PaymentCoordinator {
  private readonly logger = new Logger(PaymentCoordinator.name);

  constructor(
    private readonly store: PaymentStore,
    private readonly card: CardRail,
    private readonly bank: BankRail,
    private readonly merchants: MerchantAccounts,
    private readonly outbox: Outbox,
    private readonly config: PaymentConfig,
  ) {}

  /** `POST /internal/payments`: the payment of `chargeKey`, charged at most once. Never PENDING: 409 or 503 instead. */
  async charge(chargeKey: string, request: ChargePaymentDto): Promise<Payment> {
    const details = chargeDetailsOf(request);
    const earlier = await this.store.findByChargeKey(chargeKey);
    if (earlier) return this.chargeAgain(earlier, details);

    const payment = Payment.start(randomUUID(), chargeKey, details, new Date());
    if (!(await this.store.insert(payment))) {
      // Another call with this key wrote first: answer as it does.
      return this.chargeAgain((await this.store.findByChargeKey(chargeKey))!, details);
    }
    return this.settleCharge(payment, (current) => this.railOf(current).charge(current));
  }

  /**
   * `POST /internal/payments/refunds`: gives back what the charge of `chargeKey` took. A payment
   * still PENDING is resolved first (without charging it if it never was).
   */
  async refund(refundKey: string, chargeKey: string): Promise<Payment> {
    const byRefundKey = await this.store.findByRefundKey(refundKey);
    if (byRefundKey && byRefundKey.chargeKey !== chargeKey) throw new IdempotencyKeyReusedError();

    let payment = await this.store.findByChargeKey(chargeKey);
    if (!payment) {
      const tombstone = Payment.cancelledBeforeCharge(randomUUID(), chargeKey, refundKey, new Date());
      const recorded = await this.store.insert(tombstone, async (manager) => {
        await this.outbox.append(manager, cancellationAudit(tombstone));
      });
      if (recorded) return tombstone;
      payment = await this.store.findByChargeKey(chargeKey);
      // Nothing was written and no charge has the key: the refund key is another charge's.
      if (!payment) throw new IdempotencyKeyReusedError();
    }
    return this.refundPayment(payment, refundKey);
  }

  /** The recovery sweeper: finishes an unsettled payment whose lease ran out; a no-op if someone holds it. */
  async recover(id: string): Promise<Payment | null> {
    const payment = await this.store.claim(id);
    if (!payment) return null;
    this.logger.warn({ paymentId: id, status: payment.status }, 'recovering an abandoned payment');
    return payment.status === 'PENDING' ? this.resumeCharge(payment, 'charge') : this.makeRefund(payment);
  }

  /** The same key again: the same payment, unless the request differs. */
  private async chargeAgain(payment: Payment, details: ChargeDetails): Promise<Payment> {
    if (!payment.isChargedBy(details.requestHash)) throw new IdempotencyKeyReusedError();
    if (payment.isTombstone) return this.adoptLateCharge(payment, details);
    if (payment.status !== 'PENDING') return payment;
    const claimed = await this.store.claim(payment.id);
    if (!claimed) return this.current(payment.id, 'charge');
    return this.resumeCharge(claimed, 'charge');
  }

  /** A charge after its refund: it takes nothing and answers CANCELLED (keeping what it asked, for the record). */
  private async adoptLateCharge(tombstone: Payment, details: ChargeDetails): Promise<Payment> {
    const from = tombstone.condition;
    tombstone.adoptLateCharge(details);
    // Only the first late charge is recorded; a concurrent one lost and is checked against it.
    if (await this.store.transition(tombstone, from)) return tombstone;
    const current = (await this.store.find(tombstone.id))!;
    if (!current.isChargedBy(details.requestHash)) throw new IdempotencyKeyReusedError();
    return current;
  }

  private refundPayment(found: Payment, refundKey: string): Promise<Payment> {
    return withSpan('payment.refund', async (span) => {
      span.setAttributes({ 'payment.id': found.id, 'payment.method': found.method ?? 'none' });
      const result = await this.driveRefund(found, refundKey);
      span.setAttribute('payment.status', result.status);
      return result;
    });
  }

  private async driveRefund(found: Payment, refundKey: string): Promise<Payment> {
    let payment = found;
    // Each pass moves the payment one step along, or learns that someone else did.
    for (let pass = 0; pass < 4; pass += 1) {
      if (payment.status === 'PENDING') {
        const claimed = await this.store.claim(payment.id);
        payment = claimed ? await this.resumeCharge(claimed, 'cancel') : await this.current(payment.id, 'refund');
      } else if (payment.status === 'CAPTURED' && !payment.refundRequested) {
        const requested = await this.requestRefund(payment, refundKey);
        if (requested) return this.makeRefund(requested);
        payment = await this.current(payment.id, 'refund');
      } else if (payment.status === 'CAPTURED') {
        const claimed = await this.store.claim(payment.id);
        return claimed ? this.makeRefund(claimed) : this.current(payment.id, 'refund');
      } else {
        // DECLINED, FAILED: nothing to give back. REFUNDED, CANCELLED: already done.
        return payment;
      }
    }
    return this.current(payment.id, 'refund');
  }

  /**
   * Records that a refund is wanted, so that from here on a crash cannot forget it; renews the
   * lease. Null if another request changed the payment first.
   */
  private async requestRefund(payment: Payment, refundKey: string): Promise<Payment | null> {
    const from = payment.condition;
    payment.requestRefund(refundKey, new Date());
    try {
      return (await this.store.transition(payment, from)) ? payment : null;
    } catch (error) {
      // The refund key is already on another payment's refund.
      if (isUniqueViolation(error)) throw new IdempotencyKeyReusedError();
      throw error;
    }
  }

  /** Charges (or learns the outcome of) a PENDING payment we hold the lease of, and writes the outcome. */
  private resumeCharge(payment: Payment, ifNothingCharged: IfNothingCharged): Promise<Payment> {
    return this.settleCharge(payment, (current) => this.railOf(current).resume(current, ifNothingCharged), true);
  }

  private settleCharge(payment: Payment, call: (payment: Payment) => Promise<ChargeOutcome>, resumed = false): Promise<Payment> {
    const rail = this.railOf(payment);
    return withSpan('payment.charge', async (span) => {
      span.setAttributes({ 'payment.id': payment.id, 'payment.method': payment.details.method, 'payment.resumed': resumed });
      let outcome: ChargeOutcome;
      let ready: Payment;
      try {
        if (this.config.FAULT_PAUSE_BEFORE_PROVIDER_MS > 0) await sleep(this.config.FAULT_PAUSE_BEFORE_PROVIDER_MS);
        ready = await this.withMerchantAccount(payment);
        outcome = await call(ready);
      } catch (error) {
        if (error instanceof Superseded) return this.current(payment.id, 'charge');
        if (!isOutage(error)) throw error;
        // Not known yet. The caller asks again with the same key (or the sweeper does), and finds out.
        await this.store.release(payment.id);
        span.setAttribute('payment.status', 'PENDING');
        throw new UpstreamUnavailableError(upstreamOf(error, rail), 1, { paymentId: payment.id, paymentStatus: 'PENDING' });
      }
      const settled = await this.settle(ready, outcome);
      span.setAttribute('payment.status', settled.status);
      return settled;
    });
  }

  /** Bank payments: the merchant account is recorded before the first transfer, so every attempt sends the same one. */
  private async withMerchantAccount(payment: Payment): Promise<Payment> {
    if (payment.details.method !== 'bank' || payment.snapshot().merchantAccountId !== null) return payment;
    const merchantAccountId = await this.merchants.accountIn(payment.details.currency);
    const from = payment.condition;
    payment.payInto(merchantAccountId);
    if (!(await this.store.transition(payment, from))) throw new Superseded();
    return payment;
  }

  private async settle(payment: Payment, outcome: ChargeOutcome): Promise<Payment> {
    const from = payment.condition;
    payment.settle(outcome);
    const status = payment.status as keyof typeof METRIC_OUTCOME;
    const written = await this.store.transition(payment, from, (manager) => this.record(manager, payment, chargeEventOf(payment)));
    if (!written) return this.current(payment.id, 'charge');
    attempts.add(1, { provider: payment.details.method, outcome: METRIC_OUTCOME[status] });
    return payment;
  }

  /** Makes the refund of a payment whose refund was requested and whose lease we hold. */
  private async makeRefund(payment: Payment): Promise<Payment> {
    const rail = this.railOf(payment);
    let refundRef: string;
    try {
      refundRef = await rail.refund(payment);
    } catch (error) {
      const extensions = { paymentId: payment.id, paymentStatus: payment.status };
      if (error instanceof RefundRefused) {
        this.logger.error({ paymentId: payment.id, reason: error.reason }, 'a refund was refused; it is retried after a pause');
        await this.store.release(payment.id, REFUSED_REFUND_RETRY_MS);
        throw new UpstreamUnavailableError(rail.upstream, REFUSED_REFUND_RETRY_MS / 1000, extensions);
      }
      if (!isOutage(error)) throw error;
      await this.store.release(payment.id);
      throw new UpstreamUnavailableError(upstreamOf(error, rail), 1, extensions);
    }
    const from = payment.condition;
    payment.refunded(refundRef);
    const written = await this.store.transition(payment, from, (manager) =>
      this.record(manager, payment, { type: 'payment.refunded.v1', aggregateId: payment.id, payload: changeOf(payment) }),
    );
    return written ? payment : this.current(payment.id, 'refund');
  }

  /** The event and the audit record of a payment's new state, in the transaction that writes it. */
  private async record(manager: EntityManager, payment: Payment, event: NewEvent): Promise<void> {
    const state = payment.snapshot();
    const details = payment.details;
    await this.outbox.append(
      manager,
      event,
      auditEvent({
        actorId: details.userId,
        action: `payment.${state.status.toLowerCase()}`,
        resourceType: 'payment',
        resourceId: state.id,
        outcome: state.status === 'CAPTURED' || state.status === 'REFUNDED' ? 'SUCCESS' : 'FAILURE',
        // The card token and the customer's account stay out of the trail: the payment id leads to them.
        data: {
          orderId: details.orderId,
          method: details.method,
          amount: details.amount.toString(),
          currency: details.currency,
          providerRef: state.providerRef,
          ...(state.refundRef ? { refundRef: state.refundRef } : {}),
          ...(state.failureReason ? { failureReason: state.failureReason } : {}),
        },
      }),
    );
  }

  /**
   * The payment as someone else left it; 409 while they still work on what this request is
   * about: its charge, or its charge and refund.
   */
  private async current(id: string, about: 'charge' | 'refund'): Promise<Payment> {
    const payment = (await this.store.find(id))!;
    if (about === 'charge' ? payment.status === 'PENDING' : payment.isUnsettled) throw new PaymentInProgressError(id);
    return payment;
  }

  private railOf(payment: Payment): PaymentRail {
    return payment.details.method === 'card' ? this.card : this.bank;
  }
}

function chargeDetailsOf(request: ChargePaymentDto): ChargeDetails {
  const amount = Money.parse(request.amount);
  const cardToken = request.method === 'card' ? request.token! : null;
  const accountId = request.method === 'bank' ? request.accountId! : null;
  // The same charge whatever the spelling: "12.5" and "12.50" are one amount.
  const requestHash = createHash('sha256')
    .update(JSON.stringify([request.orderId, request.userId, amount.toString(), request.currency, request.method, cardToken, accountId]))
    .digest('hex');
  return { orderId: request.orderId, userId: request.userId, method: request.method, amount, currency: request.currency, cardToken, accountId, requestHash };
}

function changeOf(payment: Payment): PaymentChangedV1 {
  const state = payment.snapshot();
  const details = payment.details;
  return {
    paymentId: state.id,
    orderId: details.orderId,
    method: details.method,
    amount: details.amount.toString(),
    currency: details.currency,
    status: state.status,
    failureReason: state.failureReason,
  };
}

function chargeEventOf(payment: Payment): NewEvent<'payment.captured.v1' | 'payment.failed.v1', PaymentChangedV1> {
  return {
    type: payment.status === 'CAPTURED' ? 'payment.captured.v1' : 'payment.failed.v1',
    aggregateId: payment.id,
    payload: changeOf(payment),
  };
}

function cancellationAudit(tombstone: Payment) {
  return auditEvent({
    actorId: null,
    action: 'payment.cancelled',
    resourceType: 'payment',
    resourceId: tombstone.id,
    outcome: 'SUCCESS',
    data: { reason: 'refunded before it was charged' },
  });
}

function isOutage(error: unknown): error is UpstreamUnavailableError | UpstreamTimeoutError {
  return error instanceof UpstreamUnavailableError || error instanceof UpstreamTimeoutError;
}

function upstreamOf(error: UpstreamUnavailableError | UpstreamTimeoutError, rail: PaymentRail): string {
  return error.upstream || rail.upstream;
}
