import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until, type StackCustomer } from '@bankshop/testing';
import { CommerceStack, stepNames, showServiceErrorsOnFailure } from './commerce-stack.ts';

/**
 * Checkout through the gateway, with every service a real process: the saga's happy paths, each
 * way a payment can fail, stock running out, the cart, cancellation, and who may see what.
 */
describe('checkout: orders, payments and stock through the gateway (the whole shop as real processes)', () => {
  let shop: CommerceStack;
  showServiceErrorsOnFailure(() => shop);
  let alice: StackCustomer;
  let bob: StackCustomer;

  beforeAll(async () => {
    shop = await CommerceStack.start();
    [alice, bob] = await Promise.all([shop.customer(), shop.customer()]);
  });

  afterAll(async () => {
    await shop?.stop();
  });

  describe('happy paths', () => {
    it('by card: 201 with the order CONFIRMED, the payment captured, the stock taken', async () => {
      const mug = await shop.product(5, '12.50');
      const placed = await shop.place(alice, { method: 'card', token: 'tok_visa' }, [{ productId: mug, quantity: 2 }]);
      expect(placed.status, placed.text).toBe(201);
      expect(placed.body).toMatchObject({
        userId: alice.id,
        status: 'CONFIRMED',
        items: [{ productId: mug, unitPrice: '12.50', quantity: 2, lineTotal: '25.00' }],
        total: '25.00',
        currency: 'USD',
        payment: { method: 'card', status: 'CAPTURED' },
      });
      expect(stepNames(placed.body)).toEqual(['RESERVE_STOCK:SUCCEEDED', 'CHARGE_PAYMENT:SUCCEEDED', 'CONFIRM_STOCK:SUCCEEDED']);
      expect(placed.body.failureReason ?? null).toBeNull();
      expect(await shop.stock(mug)).toBe(3);

      const payment = await shop.api.get(`/api/payments/${placed.body.payment.id}`, { token: alice.token });
      expect(payment.status).toBe(200);
      expect(payment.body).toMatchObject({ orderId: placed.body.id, method: 'card', amount: '25.00', currency: 'USD', status: 'CAPTURED' });
      expect(payment.body.providerRef).toEqual(expect.any(String));
    });

    it('by bank: the customer’s balance goes down by the total and the merchant’s up by as much', async () => {
      const lamp = await shop.product(3, '40.10');
      const account = await shop.system.openAccount(alice, 'USD', '100.00');
      const merchantBefore = await shop.merchantBalance();

      const order = await shop.checkout(alice, { method: 'bank', accountId: account }, [{ productId: lamp, quantity: 2 }]);
      expect(order).toMatchObject({ status: 'CONFIRMED', total: '80.20', payment: { method: 'bank', status: 'CAPTURED' } });
      expect(await shop.system.balance(alice, account)).toBe('19.80');
      expect(Number(await shop.merchantBalance())).toBeCloseTo(Number(merchantBefore) + 80.2, 2);
      expect(await shop.stock(lamp)).toBe(1);
    });

    it('answers a retried POST with the same Idempotency-Key with the same order, charged once', async () => {
      const mug = await shop.product(5, '5.00');
      const account = await shop.system.openAccount(alice, 'USD', '20.00');
      const key = randomUUID();
      const payment = { method: 'bank' as const, accountId: account };
      const first = await shop.place(alice, payment, [{ productId: mug, quantity: 1 }], key);
      const again = await shop.place(alice, payment, [{ productId: mug, quantity: 1 }], key);
      expect(again.status).toBe(first.status);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.id).toBe(first.body.id);
      await shop.settled(alice, first.body.id);
      expect(await shop.system.balance(alice, account)).toBe('15.00');
      expect(await shop.stock(mug)).toBe(4);
      const orders = await shop.api.get('/api/orders', { token: alice.token });
      expect(orders.body.items.filter((order: { id: string }) => order.id === first.body.id)).toHaveLength(1);
    });
  });

  describe('payments that do not go through: the order is CANCELLED and the stock comes back', () => {
    it.each([
      ['tok_chargeDeclined', 'PAYMENT_DECLINED', 'DECLINED'],
      ['tok_processingError', 'PAYMENT_FAILED', 'FAILED'],
      ['tok_timeout', 'PAYMENT_FAILED', 'FAILED'],
    ])('%s: CANCELLED with %s, nothing charged, nothing reserved', async (token, reason, paymentStatus) => {
      const mug = await shop.product(4, '9.99');
      const order = await shop.checkout(alice, { method: 'card', token }, [{ productId: mug, quantity: 3 }]);
      expect(order).toMatchObject({ status: 'CANCELLED', failureReason: reason });
      expect(order.payment?.status).toBe(paymentStatus);
      expect(stepNames(order)).toEqual(['RESERVE_STOCK:SUCCEEDED', 'CHARGE_PAYMENT:FAILED', 'RELEASE_STOCK:SUCCEEDED']);
      expect(await shop.stock(mug)).toBe(4);
      const payment = await shop.api.get(`/api/payments/${order.payment!.id}`, { token: alice.token });
      expect(payment.body.status).not.toBe('CAPTURED');
    }, 60_000);

    it('by bank without the money: CANCELLED with PAYMENT_DECLINED, the balance untouched', async () => {
      const lamp = await shop.product(2, '60.00');
      const account = await shop.system.openAccount(alice, 'USD', '50.00');
      const order = await shop.checkout(alice, { method: 'bank', accountId: account }, [{ productId: lamp, quantity: 1 }]);
      expect(order).toMatchObject({ status: 'CANCELLED', failureReason: 'PAYMENT_DECLINED', payment: { status: 'DECLINED' } });
      expect(await shop.system.balance(alice, account)).toBe('50.00');
      expect(await shop.stock(lamp)).toBe(2);
    });

    it('by bank from someone else’s account: declined, and their money untouched', async () => {
      const lamp = await shop.product(2, '10.00');
      const bobs = await shop.system.openAccount(bob, 'USD', '50.00');
      const order = await shop.checkout(alice, { method: 'bank', accountId: bobs }, [{ productId: lamp, quantity: 1 }]);
      expect(order.status).toBe('CANCELLED');
      expect(await shop.system.balance(bob, bobs)).toBe('50.00');
      expect(await shop.stock(lamp)).toBe(2);
    });
  });

  describe('stock and catalogue', () => {
    it('out of stock: CANCELLED with OUT_OF_STOCK before any charge', async () => {
      const rare = await shop.product(1);
      const order = await shop.checkout(alice, { method: 'card', token: 'tok_visa' }, [{ productId: rare, quantity: 2 }]);
      expect(order).toMatchObject({ status: 'CANCELLED', failureReason: 'OUT_OF_STOCK', payment: null });
      expect(stepNames(order)).toEqual(['RESERVE_STOCK:FAILED']);
      expect(await shop.stock(rare)).toBe(1);
    });

    it('an unknown product: 422 PRODUCT_NOT_FOUND and no order', async () => {
      const before = (await shop.api.get('/api/orders', { token: bob.token })).body.items.length;
      const answer = await shop.place(bob, { method: 'card', token: 'tok_visa' }, [{ productId: randomUUID(), quantity: 1 }]);
      expect(answer.status).toBe(422);
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect(answer.body.code).toBe('PRODUCT_NOT_FOUND');
      expect((await shop.api.get('/api/orders', { token: bob.token })).body.items).toHaveLength(before);
    });

    it('products in two currencies in one order: 422 CURRENCY_MISMATCH', async () => {
      const [dollars, euros] = await Promise.all([shop.product(1, '1.00', 'USD'), shop.product(1, '1.00', 'EUR')]);
      const answer = await shop.place(bob, { method: 'card', token: 'tok_visa' }, [
        { productId: dollars, quantity: 1 },
        { productId: euros, quantity: 1 },
      ]);
      expect(answer.status).toBe(422);
      expect(answer.body.code).toBe('CURRENCY_MISMATCH');
    });

    it('bad input: problem+json 400 naming each field, and no Idempotency-Key is 400 too', async () => {
      const bad = await shop.place(bob, { method: 'card' } as never, [{ productId: 'nope', quantity: 0 }]);
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      const fields = (bad.body.errors as { field: string }[]).map((error) => error.field).sort();
      expect(fields).toEqual(expect.arrayContaining(['items.0.productId', 'items.0.quantity', 'payment.token']));
      const unkeyed = await shop.api.post('/api/orders', { token: bob.token, body: { payment: { method: 'card', token: 'tok_visa' } } });
      expect(unkeyed.status).toBe(400);
      expect(unkeyed.body.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
      expect((await shop.api.post('/api/orders', { idempotencyKey: randomUUID(), body: {} })).status).toBe(401);
    });
  });

  describe('the cart', () => {
    it('checks out the cart when the order names no items, and empties it on success', async () => {
      const carol = await shop.customer();
      const [mug, lamp] = await Promise.all([shop.product(5, '2.00'), shop.product(5, '3.00')]);
      expect((await shop.api.put(`/api/cart/items/${mug}`, { token: carol.token, body: { quantity: 2 } })).status).toBe(200);
      const cart = await shop.api.put(`/api/cart/items/${lamp}`, { token: carol.token, body: { quantity: 1 } });
      expect(cart.body).toMatchObject({ total: '7.00' });
      expect(cart.body.items).toEqual(
        expect.arrayContaining([
          { productId: mug, quantity: 2 },
          { productId: lamp, quantity: 1 },
        ]),
      );

      const order = await shop.checkout(carol, { method: 'card', token: 'tok_visa' }, undefined as never);
      expect(order).toMatchObject({ status: 'CONFIRMED', total: '7.00' });
      expect(await shop.stock(mug)).toBe(3);
      expect(await shop.stock(lamp)).toBe(4);
      const emptied = await shop.api.get('/api/cart', { token: carol.token });
      expect(emptied.body).toMatchObject({ items: [], total: '0.00' });
    });

    it('keeps the cart when its checkout fails, removes a line at quantity 0, and DELETE empties it', async () => {
      const dave = await shop.customer();
      const mug = await shop.product(5, '2.00');
      await shop.api.put(`/api/cart/items/${mug}`, { token: dave.token, body: { quantity: 1 } });
      const order = await shop.checkout(dave, { method: 'card', token: 'tok_chargeDeclined' }, undefined as never);
      expect(order.status).toBe('CANCELLED');
      expect((await shop.api.get('/api/cart', { token: dave.token })).body.items).toEqual([{ productId: mug, quantity: 1 }]);

      const removed = await shop.api.put(`/api/cart/items/${mug}`, { token: dave.token, body: { quantity: 0 } });
      expect(removed.body.items).toEqual([]);
      await shop.api.put(`/api/cart/items/${mug}`, { token: dave.token, body: { quantity: 3 } });
      expect((await shop.api.delete('/api/cart', { token: dave.token })).status).toBe(204);
      expect((await shop.api.get('/api/cart', { token: dave.token })).body.items).toEqual([]);
    });

    it('refuses to check out an empty cart (400 naming items), an unknown product for the cart (404, an unknown id in a path), a bad quantity (400)', async () => {
      const erin = await shop.customer();
      const empty = await shop.place(erin, { method: 'card', token: 'tok_visa' });
      expect(empty.status).toBe(400);
      expect(empty.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'items' }] });
      const unknown = await shop.api.put(`/api/cart/items/${randomUUID()}`, { token: erin.token, body: { quantity: 1 } });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: 'NOT_FOUND', status: 404 });
      expect((await shop.api.get('/api/cart', { token: erin.token })).body.items).toEqual([]);
      const mug = await shop.product(1);
      const negative = await shop.api.put(`/api/cart/items/${mug}`, { token: erin.token, body: { quantity: -1 } });
      expect(negative.status).toBe(400);
    });
  });

  describe('cancelling a confirmed order', () => {
    it('refunds the bank payment, puts the stock back, and a second cancel is 409 ORDER_NOT_CANCELLABLE', async () => {
      const lamp = await shop.product(3, '30.00');
      const account = await shop.system.openAccount(alice, 'USD', '100.00');
      const order = await shop.checkout(alice, { method: 'bank', accountId: account }, [{ productId: lamp, quantity: 2 }]);
      expect(order.status).toBe('CONFIRMED');
      const merchantPaid = await shop.merchantBalance();
      expect(await shop.system.balance(alice, account)).toBe('40.00');

      const cancelled = await shop.api.post(`/api/orders/${order.id}/cancel`, { token: alice.token });
      expect([200, 202], cancelled.text).toContain(cancelled.status);
      const settled = await shop.settled(alice, order.id, 30_000, 'CANCELLED');
      expect(settled).toMatchObject({ status: 'CANCELLED', payment: { status: 'REFUNDED' } });
      expect(stepNames(settled).slice(3)).toEqual(['REFUND_PAYMENT:SUCCEEDED', 'RELEASE_STOCK:SUCCEEDED']);
      expect(await shop.system.balance(alice, account)).toBe('100.00');
      expect(Number(await shop.merchantBalance())).toBeCloseTo(Number(merchantPaid) - 60, 2);
      expect(await shop.stock(lamp)).toBe(3);

      const again = await shop.api.post(`/api/orders/${order.id}/cancel`, { token: alice.token });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'ORDER_NOT_CANCELLABLE', status: 409, orderStatus: 'CANCELLED' });
      expect(await shop.system.balance(alice, account)).toBe('100.00');
      expect(await shop.stock(lamp)).toBe(3);
    });

    it('refunds a card payment and a cancelled checkout cannot be cancelled', async () => {
      const mug = await shop.product(2, '4.00');
      const order = await shop.checkout(alice, { method: 'card', token: 'tok_visa' }, [{ productId: mug, quantity: 1 }]);
      const cancelled = await shop.api.post(`/api/orders/${order.id}/cancel`, { token: alice.token });
      expect([200, 202]).toContain(cancelled.status);
      expect(await shop.settled(alice, order.id, 30_000, 'CANCELLED')).toMatchObject({ payment: { status: 'REFUNDED' } });
      expect(await shop.stock(mug)).toBe(2);

      const failed = await shop.checkout(alice, { method: 'card', token: 'tok_chargeDeclined' }, [{ productId: mug, quantity: 1 }]);
      expect((await shop.api.post(`/api/orders/${failed.id}/cancel`, { token: alice.token })).status).toBe(409);
    });

    it('two cancels at once: one is taken and one is 409; refunded once, restocked once, cancelled once', async () => {
      const buyer = await shop.customer();
      const mug = await shop.product(3, '8.00');
      const order = await shop.checkout(buyer, { method: 'card', token: 'tok_visa' }, [{ productId: mug, quantity: 2 }]);
      expect(order.status).toBe('CONFIRMED');

      const answers = await Promise.all([0, 1].map(() => shop.api.post(`/api/orders/${order.id}/cancel`, { token: buyer.token })));
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 200 || status === 202), JSON.stringify(statuses)).toHaveLength(1);
      const refused = answers.find((answer) => answer.status === 409);
      expect(refused?.body.code, JSON.stringify(statuses)).toBe('ORDER_NOT_CANCELLABLE');

      const settled = await shop.settled(buyer, order.id, 30_000, 'CANCELLED');
      expect(settled).toMatchObject({ status: 'CANCELLED', payment: { status: 'REFUNDED' } });
      expect(stepNames(settled)).toEqual([
        'RESERVE_STOCK:SUCCEEDED',
        'CHARGE_PAYMENT:SUCCEEDED',
        'CONFIRM_STOCK:SUCCEEDED',
        'REFUND_PAYMENT:SUCCEEDED',
        'RELEASE_STOCK:SUCCEEDED',
      ]);
      expect(await shop.stock(mug)).toBe(3);
      expect(await shop.providerCharges(order.id)).toEqual([{ status: 'succeeded', refunded: true }]);
      expect(await shop.eventCount('payment', order.payment!.id, 'payment.refunded.v1')).toBe(1);
      expect(await shop.eventCount('order', order.id, 'order.cancelled.v1')).toBe(1);
    });
  });

  describe('cancelling while the card charge is still in flight', () => {
    /** The 409 of a cancel that came too early: problem+json, and the order named as still PENDING. */
    function expectNotCancellableYet(answer: { status: number; headers: Record<string, string>; body: { code?: string; detail?: string; orderStatus?: string } }) {
      expect(answer.status).toBe(409);
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ code: 'ORDER_NOT_CANCELLABLE', status: 409, orderStatus: 'PENDING' });
      expect(answer.body.detail).toContain('PENDING');
    }

    it('is 409 and changes nothing; a charge the provider made but never answered still confirms the order', async () => {
      const buyer = await shop.customer();
      const mug = await shop.product(3, '6.00');
      const placing = shop.place(buyer, { method: 'card', token: 'tok_timeoutAfterCharge' }, [{ productId: mug, quantity: 2 }]);
      const orderId = await shop.chargeInFlight(buyer);
      // The provider has taken the money; the payment service is still waiting for its answer.
      const charged = await until(() => shop.providerCharges(orderId), (charges) => charges.length > 0, 'charge at the provider');
      expect(charged).toEqual([{ status: 'succeeded', refunded: false }]);

      expectNotCancellableYet(await shop.api.post(`/api/orders/${orderId}/cancel`, { token: buyer.token }));
      expect(await shop.saga(orderId)).toMatchObject({ state: 'RUNNING', steps: [{ name: 'RESERVE_STOCK' }] });
      expect(await shop.paymentStatuses(orderId)).toEqual(['PENDING']);

      expect([201, 202]).toContain((await placing).status);
      const order = await shop.settled(buyer, orderId);
      expect(order).toMatchObject({ status: 'CONFIRMED', total: '12.00', payment: { status: 'CAPTURED' } });
      expect(order.failureReason ?? null).toBeNull();
      expect(stepNames(order)).toEqual(['RESERVE_STOCK:SUCCEEDED', 'CHARGE_PAYMENT:SUCCEEDED', 'CONFIRM_STOCK:SUCCEEDED']);
      expect(await shop.stock(mug)).toBe(1);
      expect(await shop.providerCharges(orderId)).toEqual([{ status: 'succeeded', refunded: false }]);

      // Confirmed now, so it can be cancelled, and the late charge is what is refunded.
      expect([200, 202]).toContain((await shop.api.post(`/api/orders/${orderId}/cancel`, { token: buyer.token })).status);
      expect(await shop.settled(buyer, orderId, 30_000, 'CANCELLED')).toMatchObject({ payment: { status: 'REFUNDED' } });
      expect(await shop.providerCharges(orderId)).toEqual([{ status: 'succeeded', refunded: true }]);
      expect(await shop.stock(mug)).toBe(3);
    }, 60_000);

    it('is 409 and changes nothing; a charge that times out still ends CANCELLED with PAYMENT_FAILED and nothing kept', async () => {
      const buyer = await shop.customer();
      const mug = await shop.product(3, '6.00');
      const placing = shop.place(buyer, { method: 'card', token: 'tok_timeout' }, [{ productId: mug, quantity: 2 }]);
      const orderId = await shop.chargeInFlight(buyer);

      expectNotCancellableYet(await shop.api.post(`/api/orders/${orderId}/cancel`, { token: buyer.token }));
      expect(await shop.saga(orderId)).toMatchObject({ state: 'RUNNING', steps: [{ name: 'RESERVE_STOCK' }] });
      expect(await shop.paymentStatuses(orderId)).toEqual(['PENDING']);

      expect([201, 202]).toContain((await placing).status);
      const order = await shop.settled(buyer, orderId);
      expect(order).toMatchObject({ status: 'CANCELLED', failureReason: 'PAYMENT_FAILED', payment: { status: 'FAILED' } });
      expect(stepNames(order)).toEqual(['RESERVE_STOCK:SUCCEEDED', 'CHARGE_PAYMENT:FAILED', 'RELEASE_STOCK:SUCCEEDED']);
      expect(await shop.stock(mug)).toBe(3);
      // Cancelled at the provider by its key: the charge can never go through now.
      expect(await shop.providerCharges(orderId)).toEqual([{ status: 'canceled', refunded: false }]);
      expect(await shop.eventCount('order', orderId, 'order.cancelled.v1')).toBe(1);
    }, 60_000);
  });

  describe('ownership', () => {
    it('another customer’s order, payment and cancel are 404; their cart is their own; an admin sees every order', async () => {
      const mug = await shop.product(2, '1.00');
      const order = await shop.checkout(alice, { method: 'card', token: 'tok_visa' }, [{ productId: mug, quantity: 1 }]);
      await shop.api.put(`/api/cart/items/${mug}`, { token: alice.token, body: { quantity: 1 } });

      expect((await shop.api.get(`/api/orders/${order.id}`, { token: bob.token })).status).toBe(404);
      expect((await shop.api.post(`/api/orders/${order.id}/cancel`, { token: bob.token })).status).toBe(404);
      expect((await shop.api.get(`/api/payments/${order.payment!.id}`, { token: bob.token })).status).toBe(404);
      const bobsOrders = await shop.api.get('/api/orders', { token: bob.token });
      expect(bobsOrders.body.items.map((item: { id: string }) => item.id)).not.toContain(order.id);
      expect((await shop.api.get('/api/cart', { token: bob.token })).body.items).not.toEqual(
        expect.arrayContaining([{ productId: mug, quantity: 1 }]),
      );

      expect((await shop.api.get(`/api/orders/${order.id}`, { token: shop.system.adminToken })).status).toBe(200);
      expect((await shop.api.get(`/api/orders/${order.id}`)).status).toBe(401);
      expect((await shop.api.get(`/api/orders/not-a-uuid`, { token: alice.token })).status).toBe(400);
    });
  });
});
