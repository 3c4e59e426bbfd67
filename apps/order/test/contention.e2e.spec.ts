import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommerceStack, showServiceErrorsOnFailure } from './commerce-stack.ts';

/** The last units of a product, wanted by many more buyers than there are units, all at once. */
describe('100 concurrent buyers for the last 10 units (whole shop as real processes, through the gateway)', () => {
  let shop: CommerceStack;
  showServiceErrorsOnFailure(() => shop);

  beforeAll(async () => {
    shop = await CommerceStack.start();
  });

  afterAll(async () => {
    await shop?.stop();
  });

  it('confirms exactly 10 orders, cancels 90 OUT_OF_STOCK, and leaves the stock at 0, never below', async () => {
    const product = await shop.product(10, '7.00');
    const buyers = await Promise.all(Array.from({ length: 100 }, () => shop.customer()));

    const placed = await Promise.all(buyers.map((buyer) => shop.place(buyer, { method: 'card', token: 'tok_visa' }, [{ productId: product, quantity: 1 }])));
    for (const answer of placed) expect([201, 202], answer.text).toContain(answer.status);
    const orders = await Promise.all(placed.map((answer, index) => shop.settled(buyers[index]!, answer.body.id as string, 60_000)));

    const confirmed = orders.filter((order) => order.status === 'CONFIRMED');
    const cancelled = orders.filter((order) => order.status === 'CANCELLED');
    expect(confirmed).toHaveLength(10);
    expect(cancelled).toHaveLength(90);
    expect(new Set(cancelled.map((order) => order.failureReason))).toEqual(new Set(['OUT_OF_STOCK']));
    // Those who did not get a unit were never charged.
    expect(cancelled.every((order) => order.payment === null)).toBe(true);
    expect(confirmed.every((order) => order.payment?.status === 'CAPTURED')).toBe(true);

    expect(await shop.stock(product)).toBe(0);
    const [held] = await shop.system
      .service('inventory')
      .query<{ units: string }>(
        `SELECT coalesce(sum((item->>'quantity')::int), 0) AS units
           FROM reservations, jsonb_array_elements(items) AS item
          WHERE status = 'CONFIRMED' AND item->>'productId' = $1`,
        [product],
      );
    expect(Number(held!.units)).toBe(10);
    const captured = await shop.system.service('payment').query(`SELECT id FROM payments WHERE status = 'CAPTURED' AND order_id = ANY($1::uuid[])`, [orders.map((order) => order.id)]);
    expect(captured).toHaveLength(10);
  }, 180_000);
});
