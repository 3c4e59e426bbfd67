import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackCustomer } from '@bankshop/testing';
import { CommerceStack, FAST_SAGAS, stepNames, type OrderBody, showServiceErrorsOnFailure } from './commerce-stack.ts';

/**
 * The saga survives the order service dying at its worst moments, and the services it calls
 * survive hearing every request twice. The order service is told to pause right after a step
 * (FAULT_PAUSE_AFTER_STEP), killed with SIGKILL during the pause, and started again without the
 * fault: the recovery worker must take the saga over once its lease runs out and finish it, with
 * money and stock moved exactly once.
 */
describe('the checkout saga under crashes and duplicate deliveries (whole shop as real processes)', () => {
  let shop: CommerceStack;
  showServiceErrorsOnFailure(() => shop);
  let buyer: StackCustomer;

  beforeAll(async () => {
    shop = await CommerceStack.start();
    buyer = await shop.customer();
  });

  afterAll(async () => {
    await shop?.stop();
  });

  const order = () => shop.system.service('order');

  /** Restarts the order service with the fault on (pause after `step`) or off. */
  async function restartOrder(pauseAfter?: string): Promise<void> {
    await order().service.kill();
    order().service.configure(
      pauseAfter ? { ...FAST_SAGAS, FAULT_PAUSE_AFTER_STEP: pauseAfter, FAULT_PAUSE_MS: '60000' } : { ...FAST_SAGAS, FAULT_PAUSE_MS: '0' },
    );
    await order().service.start();
  }

  /** Waits until the saga of one of the buyer's orders has logged `step`; answers the order id. */
  async function waitForStep(orderId: string | undefined, step: string, userId: string): Promise<string> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const rows = await order().query<{ order_id: string; steps: { name: string }[] }>(
        `SELECT s.order_id, s.steps FROM saga_instances s JOIN orders o ON o.id = s.order_id
          WHERE o.user_id = $1 ${orderId ? 'AND o.id = $2' : ''} ORDER BY o.created_at DESC`,
        orderId ? [userId, orderId] : [userId],
      );
      const found = rows.find((row) => row.steps.some((logged) => logged.name === step));
      if (found) return found.order_id;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no saga of ${userId} logged ${step}`);
  }

  async function paymentsOf(orderId: string): Promise<{ status: string }[]> {
    return shop.system.service('payment').query<{ status: string }>(`SELECT status FROM payments WHERE order_id = $1`, [orderId]);
  }

  describe('SIGKILL of the order service right after a step, then a restart', () => {
    it.each(['RESERVE_STOCK', 'CHARGE_PAYMENT', 'CONFIRM_STOCK'])(
      'after %s: the order still ends CONFIRMED, charged once, stock taken once',
      async (step) => {
        const customer = await shop.customer();
        const lamp = await shop.product(5, '10.00');
        const account = await shop.system.openAccount(customer, 'USD', '100.00');
        const merchantBefore = Number(await shop.merchantBalance());
        await restartOrder(step);

        const pending = shop.place(customer, { method: 'bank', accountId: account }, [{ productId: lamp, quantity: 2 }]).catch((error: Error) => error);
        const orderId = await waitForStep(undefined, step, customer.id);
        await order().service.kill();
        await pending;
        await restartOrder();

        const settled = await shop.settled(customer, orderId, 30_000);
        expect(settled.status).toBe('CONFIRMED');
        expect(stepNames(settled)).toEqual(['RESERVE_STOCK:SUCCEEDED', 'CHARGE_PAYMENT:SUCCEEDED', 'CONFIRM_STOCK:SUCCEEDED']);
        expect(await shop.system.balance(customer, account)).toBe('80.00');
        expect(Number(await shop.merchantBalance())).toBeCloseTo(merchantBefore + 20, 2);
        expect(await shop.stock(lamp)).toBe(3);
        expect(await paymentsOf(orderId)).toEqual([{ status: 'CAPTURED' }]);
      },
      120_000,
    );

    it('after a declined charge, before its compensation: CANCELLED, nothing charged, stock back once', async () => {
      const customer = await shop.customer();
      const mug = await shop.product(4, '3.00');
      await restartOrder('CHARGE_PAYMENT');
      const pending = shop.place(customer, { method: 'card', token: 'tok_chargeDeclined' }, [{ productId: mug, quantity: 3 }]).catch((error: Error) => error);
      const orderId = await waitForStep(undefined, 'CHARGE_PAYMENT', customer.id);
      await order().service.kill();
      await pending;
      await restartOrder();

      const settled = await shop.settled(customer, orderId, 30_000);
      expect(settled).toMatchObject({ status: 'CANCELLED', failureReason: 'PAYMENT_DECLINED' });
      expect(stepNames(settled)).toEqual(['RESERVE_STOCK:SUCCEEDED', 'CHARGE_PAYMENT:FAILED', 'RELEASE_STOCK:SUCCEEDED']);
      expect(await shop.stock(mug)).toBe(4);
    }, 120_000);

    it('during the compensations of a cancel (after REFUND_PAYMENT): refunded once, restocked once', async () => {
      const customer = await shop.customer();
      const lamp = await shop.product(5, '25.00');
      const account = await shop.system.openAccount(customer, 'USD', '100.00');
      await restartOrder('REFUND_PAYMENT');
      const confirmed = await shop.checkout(customer, { method: 'bank', accountId: account }, [{ productId: lamp, quantity: 2 }]);
      expect(confirmed.status).toBe('CONFIRMED');
      const merchantPaid = Number(await shop.merchantBalance());

      const cancelling = shop.api.post(`/api/orders/${confirmed.id}/cancel`, { token: customer.token }).catch((error: Error) => error);
      await waitForStep(confirmed.id, 'REFUND_PAYMENT', customer.id);
      await order().service.kill();
      await cancelling;
      await restartOrder();

      const settled = await shop.settled(customer, confirmed.id, 30_000, 'CANCELLED');
      expect(settled).toMatchObject({ status: 'CANCELLED', payment: { status: 'REFUNDED' } });
      expect(stepNames(settled).slice(3)).toEqual(['REFUND_PAYMENT:SUCCEEDED', 'RELEASE_STOCK:SUCCEEDED']);
      expect(await shop.system.balance(customer, account)).toBe('100.00');
      expect(Number(await shop.merchantBalance())).toBeCloseTo(merchantPaid - 50, 2);
      expect(await shop.stock(lamp)).toBe(5);
    }, 120_000);

    it('a retried POST with the Idempotency-Key of the killed request finds the same order', async () => {
      const customer = await shop.customer();
      const mug = await shop.product(2, '1.00');
      await restartOrder('RESERVE_STOCK');
      const key = randomUUID();
      const pending = shop.place(customer, { method: 'card', token: 'tok_visa' }, [{ productId: mug, quantity: 1 }], key).catch((error: Error) => error);
      const orderId = await waitForStep(undefined, 'RESERVE_STOCK', customer.id);
      await order().service.kill();
      await pending;
      await restartOrder();

      await shop.settled(customer, orderId, 30_000);
      // The first request never finished; its key is free to be retried, and names the same order.
      let retried = await shop.place(customer, { method: 'card', token: 'tok_visa' }, [{ productId: mug, quantity: 1 }], key);
      for (let attempt = 0; retried.status === 409 && attempt < 50; attempt += 1) {
        expect(retried.body.code).toBe('IDEMPOTENCY_IN_PROGRESS');
        await new Promise((resolve) => setTimeout(resolve, 200));
        retried = await shop.place(customer, { method: 'card', token: 'tok_visa' }, [{ productId: mug, quantity: 1 }], key);
      }
      expect(retried.status, retried.text).toBe(201);
      expect(retried.body.id).toBe(orderId);
      expect(await shop.stock(mug)).toBe(1);
      const mine = await shop.api.get('/api/orders', { token: customer.token });
      expect(mine.body.items).toHaveLength(1);
    }, 120_000);
  });

  describe('duplicate delivery: every step and compensation call sent again does nothing more', () => {
    async function sagaIdOf(orderId: string): Promise<string> {
      return (await shop.saga(orderId)).id;
    }

    it('forward steps: a second reserve, charge and confirm with the saga’s keys change nothing', async () => {
      const lamp = await shop.product(5, '10.00');
      const account = await shop.system.openAccount(buyer, 'USD', '100.00');
      const confirmed: OrderBody = await shop.checkout(buyer, { method: 'bank', accountId: account }, [{ productId: lamp, quantity: 2 }]);
      expect(confirmed.status).toBe('CONFIRMED');
      const sagaId = await sagaIdOf(confirmed.id);
      const merchant = await shop.merchantBalance();

      for (let round = 0; round < 2; round += 1) {
        const reserved = await shop.internal('inventory', 'POST', '/internal/reservations', {
          key: `${sagaId}:RESERVE_STOCK`,
          orderId: confirmed.id,
          items: [{ productId: lamp, quantity: 2 }],
        });
        expect(reserved.status, reserved.text).toBeLessThan(300);
        expect(reserved.body.status).toBe('CONFIRMED');
        const charged = await shop.internal(
          'payment',
          'POST',
          '/internal/payments',
          { orderId: confirmed.id, userId: buyer.id, amount: '20.00', currency: 'USD', method: 'bank', accountId: account },
          `${sagaId}:CHARGE_PAYMENT`,
        );
        expect(charged.status, charged.text).toBeLessThan(300);
        expect(charged.body).toMatchObject({ id: confirmed.payment!.id, status: 'CAPTURED' });
        const confirmedAgain = await shop.internal('inventory', 'POST', `/internal/reservations/${reserved.body.id}/confirm`);
        expect(confirmedAgain.status, confirmedAgain.text).toBeLessThan(300);
      }
      expect(await shop.stock(lamp)).toBe(3);
      expect(await shop.system.balance(buyer, account)).toBe('80.00');
      expect(await shop.merchantBalance()).toBe(merchant);
      expect(await paymentsOf(confirmed.id)).toHaveLength(1);
    });

    it('compensations: a second refund and release after a cancel give back nothing more', async () => {
      const lamp = await shop.product(5, '10.00');
      const account = await shop.system.openAccount(buyer, 'USD', '100.00');
      const confirmed = await shop.checkout(buyer, { method: 'bank', accountId: account }, [{ productId: lamp, quantity: 1 }]);
      await shop.api.post(`/api/orders/${confirmed.id}/cancel`, { token: buyer.token });
      await shop.settled(buyer, confirmed.id, 30_000, 'CANCELLED');
      const sagaId = await sagaIdOf(confirmed.id);
      const merchant = await shop.merchantBalance();
      const reservation = await shop.internal('inventory', 'GET', `/internal/reservations?key=${encodeURIComponent(`${sagaId}:RESERVE_STOCK`)}`);
      expect(reservation.status).toBe(200);

      for (let round = 0; round < 2; round += 1) {
        const refunded = await shop.internal(
          'payment',
          'POST',
          '/internal/payments/refunds',
          { chargeKey: `${sagaId}:CHARGE_PAYMENT` },
          `${sagaId}:REFUND_PAYMENT`,
        );
        expect(refunded.status, refunded.text).toBeLessThan(300);
        expect(refunded.body.status).toBe('REFUNDED');
        const released = await shop.internal('inventory', 'POST', `/internal/reservations/${reservation.body.id}/release`);
        // Released already: answered as such (2xx) or refused as no longer active (409); never restocked twice.
        expect([200, 201, 409], released.text).toContain(released.status);
      }
      expect(await shop.stock(lamp)).toBe(5);
      expect(await shop.system.balance(buyer, account)).toBe('100.00');
      expect(await shop.merchantBalance()).toBe(merchant);
    });
  });
});
