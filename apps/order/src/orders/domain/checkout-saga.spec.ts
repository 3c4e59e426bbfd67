import { describe, expect, it } from 'vitest';
import { CheckoutSaga, SagaStateError } from './checkout-saga.ts';

const now = new Date('2026-11-24T12:00:00Z');

/** Runs forward steps as succeeded, in order. */
function through(saga: CheckoutSaga, steps: number): CheckoutSaga {
  let current = saga;
  for (let index = 0; index < steps; index += 1) {
    const action = current.nextAction();
    if (action.kind !== 'forward') throw new Error(`expected a forward step, got ${action.kind}`);
    current = current.succeeded(action.step, now);
  }
  return current;
}

const names = (saga: CheckoutSaga) => saga.snapshot().steps.map((step) => `${step.name}:${step.status}`);

describe('CheckoutSaga', () => {
  it('runs RESERVE_STOCK, CHARGE_PAYMENT, CONFIRM_STOCK and rests CONFIRMED', () => {
    const saga = through(CheckoutSaga.start('s-1', 'o-1'), 3);
    expect(saga.snapshot().state).toBe('CONFIRMED');
    expect(saga.nextAction()).toEqual({ kind: 'rest' });
    expect(names(saga)).toEqual(['RESERVE_STOCK:SUCCEEDED', 'CHARGE_PAYMENT:SUCCEEDED', 'CONFIRM_STOCK:SUCCEEDED']);
  });

  it('keys every step by saga id and step name', () => {
    expect(CheckoutSaga.start('s-1', 'o-1').keyOf('CHARGE_PAYMENT')).toBe('s-1:CHARGE_PAYMENT');
  });

  it('cancels at once when stock is short: nothing was reserved, nothing to undo', () => {
    const saga = CheckoutSaga.start('s-1', 'o-1').failed('RESERVE_STOCK', 'OUT_OF_STOCK', now, true);
    expect(saga.snapshot()).toMatchObject({ state: 'CANCELLED', failureReason: 'OUT_OF_STOCK', compensations: [] });
    expect(saga.nextAction()).toEqual({ kind: 'rest' });
  });

  it('releases the stock after a declined payment, and refunds nothing', () => {
    let saga = through(CheckoutSaga.start('s-1', 'o-1'), 1).failed('CHARGE_PAYMENT', 'PAYMENT_DECLINED', now, true);
    expect(saga.snapshot()).toMatchObject({ state: 'COMPENSATING', compensations: ['RELEASE_STOCK'] });
    saga = saga.compensated('RELEASE_STOCK', now);
    expect(saga.snapshot()).toMatchObject({ state: 'CANCELLED', failureReason: 'PAYMENT_DECLINED' });
    expect(names(saga)).toEqual(['RESERVE_STOCK:SUCCEEDED', 'CHARGE_PAYMENT:FAILED', 'RELEASE_STOCK:SUCCEEDED']);
  });

  it('refunds a charge given up on (it may have happened), then releases, in reverse order', () => {
    const saga = through(CheckoutSaga.start('s-1', 'o-1'), 1).failed('CHARGE_PAYMENT', 'PAYMENT_FAILED', now, false);
    expect(saga.snapshot().compensations).toEqual(['REFUND_PAYMENT', 'RELEASE_STOCK']);
    expect(saga.nextAction()).toEqual({ kind: 'compensate', step: 'REFUND_PAYMENT' });
  });

  it('refunds and releases when the reservation could not be confirmed', () => {
    const saga = through(CheckoutSaga.start('s-1', 'o-1'), 2).failed('CONFIRM_STOCK', 'OUT_OF_STOCK', now, true);
    expect(saga.snapshot().compensations).toEqual(['REFUND_PAYMENT', 'RELEASE_STOCK']);
  });

  it('undoes a confirmed order the customer cancels: refund, then restock', () => {
    let saga = through(CheckoutSaga.start('s-1', 'o-1'), 3).cancel();
    expect(saga.snapshot()).toMatchObject({ state: 'COMPENSATING', cancelRequested: true, failureReason: null });
    saga = saga.compensated('REFUND_PAYMENT', now).compensated('RELEASE_STOCK', now);
    expect(saga.snapshot().state).toBe('CANCELLED');
  });

  it('refuses transitions out of order', () => {
    const saga = CheckoutSaga.start('s-1', 'o-1');
    expect(() => saga.succeeded('CHARGE_PAYMENT', now)).toThrow(SagaStateError);
    expect(() => saga.compensated('RELEASE_STOCK', now)).toThrow(SagaStateError);
    expect(() => saga.cancel()).toThrow(SagaStateError);
    const cancelled = saga.failed('RESERVE_STOCK', 'OUT_OF_STOCK', now, true);
    expect(() => cancelled.cancel()).toThrow(SagaStateError);
    expect(() => through(saga, 3).compensated('REFUND_PAYMENT', now)).toThrow(SagaStateError);
  });

  it('gives the charge one deadline, set the first time it is tried and kept after', () => {
    const reserved = through(CheckoutSaga.start('s-1', 'o-1'), 1);
    const begun = reserved.beginning('CHARGE_PAYMENT', now, 60_000);
    expect(begun.snapshot().chargeDeadline).toEqual(new Date(now.getTime() + 60_000));
    expect(begun.beginning('CHARGE_PAYMENT', new Date(now.getTime() + 5_000), 60_000)).toBe(begun);
    expect(reserved.beginning('RESERVE_STOCK', now, 60_000)).toBe(reserved);
  });

  it('moves its version on when stored, and restores exactly', () => {
    const saga = through(CheckoutSaga.start('s-1', 'o-1'), 2);
    expect(saga.stored().snapshot().version).toBe(2);
    expect(CheckoutSaga.restore(saga.snapshot()).snapshot()).toEqual(saga.snapshot());
  });
});
