import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import type { OrderChangedV1, OrderFailureReason, PaymentView } from '@bankshop/contracts';
import { auditEvent, Outbox, type NewEvent } from '@bankshop/messaging';
import { backoffDelay, UpstreamRefusal } from '@bankshop/resilience';
import { markSpanRefused, meter, withSpan } from '@bankshop/telemetry';
import { CartStore } from '../../cart/cart.store.ts';
import { OrderConfig } from '../../config/order.config.ts';
import { InventoryClient } from '../../upstream/inventory.client.ts';
import { PaymentClient } from '../../upstream/payment.client.ts';
import type { CheckoutSaga, Compensation, ForwardStep, SagaStepName } from '../domain/checkout-saga.ts';
import type { Order } from '../domain/order.ts';
import { SagaOwnershipLost, SagaStore } from '../persistence/saga.store.ts';

const outcomes = meter().createCounter('bankshop.saga.outcomes', {
  description: 'Checkout sagas that came to rest, by outcome and failure reason',
});
const compensations = meter().createCounter('bankshop.saga.compensations', {
  description: 'Compensations run by checkout sagas, by step',
});
const stepRetries = meter().createCounter('bankshop.saga.step.retries', {
  description: 'Saga step calls retried after a transient failure, by step',
});

/** What a forward step came to: done (with the order it changed), or a business failure. */
type StepResult =
  | { ok: true; order: Order }
  | { ok: false; reason: OrderFailureReason; tookNothing: boolean; order?: Order };

/** A business answer that is not final: ask again later with the same key. */
class NotYetDecided extends Error {
  override readonly name = 'NotYetDecided';
}

/** Refusals that mean "try again", not "no": a concurrent update, a duplicate still in flight. */
const RETRYABLE_CODES = new Set(['CONCURRENT_UPDATE', 'IDEMPOTENCY_IN_PROGRESS']);

/**
 * Drives checkout sagas (ARCHITECTURE.md "Commerce: checkout Saga"): performs the action the saga
 * names, persists the outcome, and goes on until the saga rests. Transient failures (a service
 * down, a timeout, a 5xx, a concurrent update) are retried with capped exponential backoff and
 * full jitter; business failures start the compensations; compensations are retried until they
 * succeed. Every call carries the key `<sagaId>:<step>`, so repeating one never acts twice.
 *
 * The runner holds the saga's lease while it drives it and renews it while a call is in flight.
 * If the process dies, the lease runs out and the recovery worker (of this or another replica)
 * resumes the saga from its last persisted step.
 */
@Injectable()
export class CheckoutSagaRunner {
  private readonly logger = new Logger(CheckoutSagaRunner.name);
  /** Sagas this process is driving: one run per saga, however many callers ask. */
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly store: SagaStore,
    private readonly inventory: InventoryClient,
    private readonly payments: PaymentClient,
    private readonly outbox: Outbox,
    private readonly cart: CartStore,
    private readonly config: OrderConfig,
  ) {}

  /** Drives the saga until it rests, or until another worker holds it. Never rejects. */
  drive(sagaId: string): Promise<void> {
    const current = this.running.get(sagaId);
    if (current) return current;
    const run = this.run(sagaId).finally(() => this.running.delete(sagaId));
    this.running.set(sagaId, run);
    return run;
  }

  /** How many sagas this process drives right now. */
  get inFlight(): number {
    return this.running.size;
  }

  private async run(sagaId: string): Promise<void> {
    const claimed = await this.store.claim(sagaId).catch((error: unknown) => {
      this.logger.warn({ err: error, sagaId }, 'could not claim the saga; recovery will retry');
      return null;
    });
    if (!claimed) return;
    let { saga, order } = claimed;
    const heartbeat = setInterval(() => void this.store.renew(sagaId).catch(() => undefined), this.config.SAGA_LEASE_MS / 3);
    try {
      for (let action = saga.nextAction(); action.kind !== 'rest'; action = saga.nextAction()) {
        ({ saga, order } =
          action.kind === 'forward' ? await this.forward(action.step, saga, order) : await this.compensate(action.step, saga, order));
        await this.faultPause(action.step);
      }
      await this.rested(saga, order);
      await this.store.release(sagaId);
    } catch (error) {
      if (error instanceof SagaOwnershipLost) {
        this.logger.warn({ sagaId }, 'another worker took the saga over; leaving it to them');
      } else {
        // The database is gone, say: the lease runs out and the recovery worker resumes the saga.
        this.logger.error({ err: error, sagaId }, 'saga run stopped; recovery will resume it');
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async forward(step: ForwardStep, saga: CheckoutSaga, order: Order): Promise<{ saga: CheckoutSaga; order: Order }> {
    const begun = saga.beginning(step, new Date(), this.config.SAGA_PAYMENT_DEADLINE_MS);
    if (begun !== saga) saga = await this.store.save(begun, order);
    for (let attempt = 0; ; attempt += 1) {
      let result: StepResult;
      try {
        result = await this.step(step, saga, order);
      } catch (error) {
        const deadline = saga.snapshot().chargeDeadline;
        if (step === 'CHARGE_PAYMENT' && deadline && Date.now() > deadline.getTime()) {
          // The charge stayed unknown too long: give up, and let the refund make sure it took nothing.
          this.logger.warn({ err: error, sagaId: saga.id }, 'charge still undecided at its deadline; cancelling the order');
          result = { ok: false, reason: 'PAYMENT_FAILED', tookNothing: false };
        } else {
          await this.retryLater(step, attempt, error, saga.id);
          continue;
        }
      }
      const now = new Date();
      if (result.ok) {
        const next = saga.succeeded(step, now);
        const updated = result.order.follow(next);
        return { saga: await this.store.save(next, updated, this.eventsOf(next, updated)), order: updated };
      }
      const next = saga.failed(step, result.reason, now, result.tookNothing);
      const updated = (result.order ?? order).follow(next);
      return { saga: await this.store.save(next, updated, this.eventsOf(next, updated)), order: updated };
    }
  }

  private async compensate(step: Compensation, saga: CheckoutSaga, order: Order): Promise<{ saga: CheckoutSaga; order: Order }> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const updated = await withSpan('saga.step', () => this.undo(step, saga, order), {
          attributes: {
            'saga.id': saga.id,
            'saga.step': step,
            'saga.compensation': true,
            'saga.failure_reason': saga.snapshot().failureReason ?? 'CANCELLED_BY_CUSTOMER',
          },
        });
        const next = saga.compensated(step, new Date());
        const followed = updated.follow(next);
        compensations.add(1, { step });
        return { saga: await this.store.save(next, followed, this.eventsOf(next, followed)), order: followed };
      } catch (error) {
        if (error instanceof SagaOwnershipLost) throw error;
        // Compensations are retried until they succeed: money and stock must come back.
        await this.retryLater(step, attempt, error, saga.id);
      }
    }
  }

  /** Performs a forward step; throws for anything transient (to be retried). */
  private step(step: ForwardStep, saga: CheckoutSaga, order: Order): Promise<StepResult> {
    return withSpan(
      'saga.step',
      async (span) => {
        const result = await this.perform(step, saga, order);
        span.setAttribute('saga.step.outcome', result.ok ? 'succeeded' : result.reason);
        if (!result.ok) markSpanRefused(span, result.reason, `${step} failed: ${result.reason}; compensating`);
        return result;
      },
      { attributes: { 'saga.id': saga.id, 'saga.step': step } },
    );
  }

  private async perform(step: ForwardStep, saga: CheckoutSaga, order: Order): Promise<StepResult> {
    const state = order.snapshot();
    switch (step) {
      case 'RESERVE_STOCK': {
        const reservation = await businessOr(
          this.inventory.reserve({
            key: saga.keyOf('RESERVE_STOCK'),
            orderId: order.id,
            items: state.lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
          }),
        );
        // Out of stock, a product gone, or (on a late retry) a reservation that already expired:
        // nothing is held either way.
        if ('refusal' in reservation || reservation.status !== 'RESERVED') return { ok: false, reason: 'OUT_OF_STOCK', tookNothing: true };
        return { ok: true, order: order.reserved(reservation.id, reservation.items) };
      }
      case 'CHARGE_PAYMENT': {
        const source = state.paymentSource;
        const payment = await businessOr(
          this.payments.charge(saga.keyOf('CHARGE_PAYMENT'), {
            orderId: order.id,
            userId: state.userId,
            amount: state.total.toString(),
            currency: state.currency,
            ...(source.method === 'card' ? { method: 'card', token: source.token } : { method: 'bank', accountId: source.accountId }),
          }),
        );
        if ('refusal' in payment) {
          // The payment service refused the request itself: a bug, not a customer's doing. The
          // charge cannot have happened; the refund compensation makes sure of it anyway.
          this.logger.error({ sagaId: saga.id, refusal: payment.refusal.message }, 'payment service refused the charge');
          return { ok: false, reason: 'PAYMENT_FAILED', tookNothing: false };
        }
        const paid = order.paid(paymentOf(payment));
        switch (payment.status) {
          case 'CAPTURED':
            return { ok: true, order: paid };
          case 'DECLINED':
            return { ok: false, reason: 'PAYMENT_DECLINED', tookNothing: true, order: paid };
          case 'PENDING':
            throw new NotYetDecided(`payment ${payment.id} is still pending`);
          default:
            return { ok: false, reason: 'PAYMENT_FAILED', tookNothing: true, order: paid };
        }
      }
      case 'CONFIRM_STOCK': {
        const reservationId = state.reservationId;
        if (!reservationId) throw new Error(`order ${order.id} reached CONFIRM_STOCK without a reservation`);
        const confirmed = await businessOr(this.inventory.confirm(reservationId));
        // The reservation expired before the charge went through: the units may be sold already.
        if ('refusal' in confirmed) return { ok: false, reason: 'OUT_OF_STOCK', tookNothing: true };
        return { ok: true, order };
      }
    }
  }

  /** Performs a compensation; any error is retried. */
  private async undo(step: Compensation, saga: CheckoutSaga, order: Order): Promise<Order> {
    if (step === 'REFUND_PAYMENT') {
      const payment = await this.payments.refund(saga.keyOf('REFUND_PAYMENT'), saga.keyOf('CHARGE_PAYMENT'));
      if (payment.status === 'PENDING') throw new NotYetDecided(`payment ${payment.id} is still pending`);
      return order.paid(paymentOf(payment));
    }
    // A saga that died between reserving and recording it does not know the reservation's id.
    const reservationId =
      order.snapshot().reservationId ?? (await this.inventory.reservationByKey(saga.keyOf('RESERVE_STOCK')))?.id ?? null;
    if (!reservationId) return order;
    const released = await businessOr(this.inventory.release(reservationId));
    // Released, expired or never confirmable: either way nothing stays reserved.
    if ('refusal' in released && released.refusal.code !== 'RESERVATION_NOT_ACTIVE') throw released.refusal;
    return order;
  }

  private async retryLater(step: SagaStepName, attempt: number, error: unknown, sagaId: string): Promise<void> {
    if (error instanceof SagaOwnershipLost) throw error;
    stepRetries.add(1, { step });
    const delay = backoffDelay(attempt, { baseMs: this.config.SAGA_RETRY_BASE_MS, maxMs: this.config.SAGA_RETRY_MAX_MS });
    this.logger.warn({ err: error, sagaId, step, attempt, delayMs: delay }, 'saga step failed transiently; retrying');
    await sleep(delay);
  }

  /** The events (and audit records) of a transition that put the order to rest. */
  private eventsOf(saga: CheckoutSaga, order: Order) {
    const { state } = saga.snapshot();
    if (state !== 'CONFIRMED' && state !== 'CANCELLED') return undefined;
    const events = orderEvents(order, state === 'CONFIRMED' ? 'order.confirmed.v1' : 'order.cancelled.v1', saga.snapshot().cancelRequested);
    return async (manager: Parameters<Outbox['append']>[0]) => {
      await this.outbox.append(manager, ...events);
    };
  }

  /** After the saga came to rest: count it, and empty the cart it was checked out from. */
  private async rested(saga: CheckoutSaga, order: Order): Promise<void> {
    const { state, failureReason, cancelRequested } = saga.snapshot();
    outcomes.add(1, { outcome: state.toLowerCase(), reason: failureReason ?? (cancelRequested ? 'CANCELLED_BY_CUSTOMER' : 'none') });
    const snapshot = order.snapshot();
    if (state === 'CONFIRMED' && snapshot.fromCart) {
      await this.cart.clear(snapshot.userId).catch((error: unknown) => this.logger.warn({ err: error }, 'could not empty the cart'));
    }
  }

  private async faultPause(step: SagaStepName): Promise<void> {
    if (this.config.FAULT_PAUSE_AFTER_STEP !== step || this.config.FAULT_PAUSE_MS === 0) return;
    this.logger.warn({ step, pauseMs: this.config.FAULT_PAUSE_MS }, 'fault injection: pausing after a saga step');
    await sleep(this.config.FAULT_PAUSE_MS);
  }
}

/** The `order.*` event of an order and its audit record. */
export function orderEvents(
  order: Order,
  type: 'order.placed.v1' | 'order.confirmed.v1' | 'order.cancelled.v1',
  byCustomer: boolean,
): NewEvent[] {
  const state = order.snapshot();
  const payload: OrderChangedV1 = {
    orderId: state.id,
    userId: state.userId,
    status: state.status,
    total: state.total.toString(),
    currency: state.currency,
    failureReason: state.failureReason,
  };
  return [
    { type, aggregateId: state.id, payload },
    auditEvent({
      actorId: type === 'order.placed.v1' || byCustomer ? state.userId : null,
      action: type.replace(/\.v1$/, ''),
      resourceType: 'order',
      resourceId: state.id,
      outcome: type === 'order.cancelled.v1' && !byCustomer ? 'FAILURE' : 'SUCCESS',
      data: { total: payload.total, currency: payload.currency, failureReason: payload.failureReason, lines: state.lines.length },
    }),
  ];
}

function paymentOf(payment: PaymentView) {
  return { id: payment.id, method: payment.method, status: payment.status };
}

/**
 * The answer, or the refusal when the service said no (a 4xx); anything transient (5xx, timeout,
 * outage, a refusal that means "again later") is thrown, to be retried.
 */
async function businessOr<T>(call: Promise<T>): Promise<T | { refusal: UpstreamRefusal }> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof UpstreamRefusal && error.status < 500 && !RETRYABLE_CODES.has(error.code)) return { refusal: error };
    throw error;
  }
}
