import { describe, expect, it } from 'vitest';
import { Money } from '@bankshop/money';
import { IllegalPaymentTransition, Payment, type ChargeDetails } from './payment.ts';

const CUSTOMER = '5d0c1a6e-2f4b-4c8e-9a1d-3b7e5f9c2a40';

function details(change: Partial<ChargeDetails> = {}): ChargeDetails {
  return {
    orderId: '7a3e9c10-64d2-4b5f-8e1a-0c9d2b4f6a81',
    userId: CUSTOMER,
    method: 'card',
    amount: Money.of('25.00'),
    currency: 'USD',
    cardToken: 'tok_visa',
    accountId: null,
    requestHash: 'hash-1',
    ...change,
  };
}

const pending = (change: Partial<ChargeDetails> = {}) => Payment.start('pay-1', 'saga-1:CHARGE_PAYMENT', details(change), new Date());

function captured(): Payment {
  const payment = pending();
  payment.settle({ kind: 'captured', providerRef: 'ch_1' });
  return payment;
}

describe('Payment', () => {
  it('starts PENDING and unsettled, keyed to its provider calls by its own id', () => {
    const payment = pending();

    expect(payment.status).toBe('PENDING');
    expect(payment.isUnsettled).toBe(true);
    expect(payment.providerKey('charge')).toBe('payment:pay-1:charge');
    expect(payment.providerKey('refund')).toBe('payment:pay-1:refund');
  });

  it('is captured with the provider reference, and settled', () => {
    const payment = captured();

    expect(payment.snapshot()).toMatchObject({ status: 'CAPTURED', providerRef: 'ch_1', failureReason: null });
    expect(payment.isUnsettled).toBe(false);
  });

  it.each([
    { outcome: { kind: 'declined', providerRef: 'ch_2' }, status: 'DECLINED', failureReason: 'PAYMENT_DECLINED' },
    { outcome: { kind: 'failed' }, status: 'FAILED', failureReason: 'PAYMENT_FAILED' },
  ] as const)('ends $status with $failureReason when the charge is $outcome.kind', ({ outcome, status, failureReason }) => {
    const payment = pending();
    payment.settle(outcome);

    expect(payment.snapshot()).toMatchObject({ status, failureReason });
    expect(payment.isUnsettled).toBe(false);
  });

  it('refuses to settle a charge twice', () => {
    const payment = captured();

    expect(() => payment.settle({ kind: 'failed' })).toThrow(IllegalPaymentTransition);
  });

  it('is refunded in two steps: asked for (still CAPTURED, unsettled), then made', () => {
    const payment = captured();
    payment.requestRefund('saga-1:REFUND_PAYMENT', new Date());

    expect(payment.status).toBe('CAPTURED');
    expect(payment.refundRequested).toBe(true);
    expect(payment.isUnsettled).toBe(true);

    payment.refunded('re_1');
    expect(payment.snapshot()).toMatchObject({ status: 'REFUNDED', refundRef: 're_1', refundKey: 'saga-1:REFUND_PAYMENT' });
    expect(payment.isUnsettled).toBe(false);
  });

  it('refunds only what was captured, and only once', () => {
    expect(() => pending().requestRefund('r', new Date())).toThrow(IllegalPaymentTransition);
    expect(() => captured().refunded('re_1')).toThrow('no refund requested');

    const payment = captured();
    payment.requestRefund('r', new Date());
    expect(() => payment.requestRefund('r', new Date())).toThrow('already has a refund requested');
    payment.refunded('re_1');
    expect(() => payment.refunded('re_2')).toThrow(IllegalPaymentTransition);
    expect(() => payment.requestRefund('r', new Date())).toThrow(IllegalPaymentTransition);
  });

  it.each(['declined', 'failed'] as const)('has nothing to refund once %s', (kind) => {
    const payment = pending();
    payment.settle(kind === 'failed' ? { kind } : { kind, providerRef: null });

    expect(() => payment.requestRefund('r', new Date())).toThrow(IllegalPaymentTransition);
  });

  it('records a refund before any charge as a CANCELLED tombstone, which no charge can settle', () => {
    const tombstone = Payment.cancelledBeforeCharge('pay-2', 'saga-2:CHARGE_PAYMENT', 'saga-2:REFUND_PAYMENT', new Date());

    expect(tombstone.status).toBe('CANCELLED');
    expect(tombstone.isTombstone).toBe(true);
    expect(tombstone.isUnsettled).toBe(false);
    expect(tombstone.method).toBeNull();
    expect(() => tombstone.details).toThrow('cancelled before it was charged');
    expect(() => tombstone.settle({ kind: 'captured', providerRef: 'ch_1' })).toThrow(IllegalPaymentTransition);
  });

  it('lets the first late charge of a tombstone record what it asked, and then holds it to that request', () => {
    const tombstone = Payment.cancelledBeforeCharge('pay-2', 'saga-2:CHARGE_PAYMENT', 'saga-2:REFUND_PAYMENT', new Date());
    expect(tombstone.isChargedBy('any-hash')).toBe(true);

    tombstone.adoptLateCharge(details({ requestHash: 'hash-late' }));

    expect(tombstone.status).toBe('CANCELLED');
    expect(tombstone.isChargedBy('hash-late')).toBe(true);
    expect(tombstone.isChargedBy('hash-other')).toBe(false);
    expect(() => tombstone.adoptLateCharge(details())).toThrow(IllegalPaymentTransition);
  });

  it('tells the request it was made for from another one with the same key', () => {
    expect(pending().isChargedBy('hash-1')).toBe(true);
    expect(pending().isChargedBy('hash-2')).toBe(false);
  });

  it('records the merchant account of a bank payment while it is PENDING only', () => {
    const bank = pending({ method: 'bank', cardToken: null, accountId: '0e7f3a52-9b1c-4d6e-8f2a-4c5b6d7e8f90' });
    bank.payInto('1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b');
    expect(bank.snapshot().merchantAccountId).toBe('1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b');

    expect(() => pending().payInto('1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b')).toThrow('not a bank payment');
    expect(() => captured().payInto('1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b')).toThrow(IllegalPaymentTransition);
  });

  it('is visible to the customer who paid only', () => {
    expect(pending().isVisibleTo(CUSTOMER)).toBe(true);
    expect(pending().isVisibleTo('someone-else')).toBe(false);
  });
});
