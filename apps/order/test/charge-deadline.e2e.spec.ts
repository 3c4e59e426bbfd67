import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@bankshop/testing';
import { CommerceStack, showServiceErrorsOnFailure, stepNames } from './commerce-stack.ts';

/**
 * The checkout gives up on a card charge that is still in flight, and the money must not stay
 * with the provider. Here the order service is less patient than the payment service: it waits
 * 1 s per call to it and gives a charge 1 s in all, while the payment service waits 3 s for the
 * card provider. So the saga always gives up first and asks for the refund while the charge is
 * still waiting on the provider; whatever the provider did with it, the order ends CANCELLED
 * with PAYMENT_FAILED and nothing is kept.
 */
describe('the checkout gives up on a card charge still in flight (whole shop as real processes)', () => {
  let shop: CommerceStack;
  showServiceErrorsOnFailure(() => shop);

  beforeAll(async () => {
    shop = await CommerceStack.start({ order: { PAYMENT_TIMEOUT_MS: '1000', SAGA_PAYMENT_DEADLINE_MS: '1000' } });
  });

  afterAll(async () => {
    await shop?.stop();
  });

  it('the provider took the money but its answer came too late: the refund waits for the charge, then gives it all back', async () => {
    const buyer = await shop.customer();
    const mug = await shop.product(3, '7.50');
    const placing = shop.place(buyer, { method: 'card', token: 'tok_timeoutAfterCharge' }, [{ productId: mug, quantity: 2 }]);
    const orderId = await shop.chargeInFlight(buyer);
    await until(() => shop.providerCharges(orderId), (charges) => charges.length > 0, 'charge at the provider');

    expect([201, 202]).toContain((await placing).status);
    const order = await shop.settled(buyer, orderId);
    expect(order).toMatchObject({ status: 'CANCELLED', failureReason: 'PAYMENT_FAILED', total: '15.00', payment: { status: 'REFUNDED' } });
    expect(stepNames(order)).toEqual(['RESERVE_STOCK:SUCCEEDED', 'CHARGE_PAYMENT:FAILED', 'REFUND_PAYMENT:SUCCEEDED', 'RELEASE_STOCK:SUCCEEDED']);
    expect(await shop.providerCharges(orderId)).toEqual([{ status: 'succeeded', refunded: true }]);
    expect(await shop.paymentStatuses(orderId)).toEqual(['REFUNDED']);
    expect(await shop.eventCount('payment', order.payment!.id, 'payment.refunded.v1')).toBe(1);
    expect(await shop.stock(mug)).toBe(3);
  }, 60_000);

  it('the provider never answered and never charged: the refund waits for the charge to be cancelled, and there is nothing to give back', async () => {
    const buyer = await shop.customer();
    const mug = await shop.product(3, '7.50');
    const placing = shop.place(buyer, { method: 'card', token: 'tok_timeout' }, [{ productId: mug, quantity: 2 }]);
    const orderId = await shop.chargeInFlight(buyer);

    expect([201, 202]).toContain((await placing).status);
    const order = await shop.settled(buyer, orderId);
    expect(order).toMatchObject({ status: 'CANCELLED', failureReason: 'PAYMENT_FAILED', payment: { status: 'FAILED' } });
    expect(stepNames(order)).toEqual(['RESERVE_STOCK:SUCCEEDED', 'CHARGE_PAYMENT:FAILED', 'REFUND_PAYMENT:SUCCEEDED', 'RELEASE_STOCK:SUCCEEDED']);
    expect(await shop.providerCharges(orderId)).toEqual([{ status: 'canceled', refunded: false }]);
    expect(await shop.stock(mug)).toBe(3);
  }, 60_000);
});
