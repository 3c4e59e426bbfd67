import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpReceiver, SPAN_KIND, type ReceivedSpan, type StackCustomer } from '@bankshop/testing';
import { CommerceStack, showServiceErrorsOnFailure } from './commerce-stack.ts';

const STATUS_ERROR = 2;

/** A request with a trace id of the test's choosing, so its trace can be picked out. */
function traced(): { traceId: string; headers: Record<string, string> } {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } };
}

describe('telemetry of a checkout, through the gateway, as the collector receives it', () => {
  const receiver = new OtlpReceiver();
  let shop: CommerceStack;
  showServiceErrorsOnFailure(() => shop);
  let buyer: StackCustomer;

  beforeAll(async () => {
    shop = await CommerceStack.start({}, await receiver.start());
    buyer = await shop.customer();
  });

  afterAll(async () => {
    await shop?.stop();
    await receiver.stop();
  });

  const servers = (spans: ReceivedSpan[], traceId: string, service: string) =>
    spans.filter((span) => span.traceId === traceId && span.service === service && span.kind === SPAN_KIND.server);
  const sagaSteps = (trace: ReceivedSpan[]) => trace.filter((span) => span.service === 'order' && span.name === 'saga.step');

  it('a bank-paid checkout is ONE trace across gateway, order, inventory, payment, transaction and account', async () => {
    const lamp = await shop.product(3, '15.00');
    const account = await shop.system.openAccount(buyer, 'USD', '100.00');
    const { traceId, headers } = traced();
    const placed = await shop.api.post('/api/orders', {
      token: buyer.token,
      idempotencyKey: randomUUID(),
      headers,
      body: { items: [{ productId: lamp, quantity: 1 }], payment: { method: 'bank', accountId: account } },
    });
    expect(placed.status, placed.text).toBe(201);
    expect(placed.body.status).toBe('CONFIRMED');

    const services = ['gateway', 'order', 'inventory', 'payment', 'transaction', 'account'];
    await receiver.waitForSpans((all) => services.every((service) => servers(all, traceId, service).length > 0), 30_000);
    const trace = receiver.trace(traceId);

    // Every server span hangs under a span of the same trace: one tree, not six.
    const ids = new Set(trace.map((span) => span.spanId));
    for (const service of services.slice(1)) {
      for (const server of servers(trace, traceId, service)) expect(ids.has(server.parentSpanId!), `${service} ${server.name}`).toBe(true);
    }
    const steps = sagaSteps(trace);
    expect(steps.map((span) => span.attributes['saga.step']).sort()).toEqual(['CHARGE_PAYMENT', 'CONFIRM_STOCK', 'RESERVE_STOCK']);
    for (const step of steps) {
      expect(step.attributes['saga.id']).toEqual(expect.any(String));
      expect(step.statusCode).not.toBe(STATUS_ERROR);
    }
    // The payment's bank transfer runs inside the CHARGE_PAYMENT step.
    const charge = steps.find((span) => span.attributes['saga.step'] === 'CHARGE_PAYMENT')!;
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const transferServer = servers(trace, traceId, 'transaction')[0]!;
    let ancestor: ReceivedSpan | undefined = transferServer;
    while (ancestor && ancestor.spanId !== charge.spanId) ancestor = byId.get(ancestor.parentSpanId ?? '');
    expect(ancestor?.spanId).toBe(charge.spanId);

    expect(JSON.stringify(trace.map((span) => span.attributes))).not.toMatch(/Bearer |password|tok_|\b\d{16}\b/);
  });

  it('a declined checkout’s trace shows the failed step with error status and the compensation that followed', async () => {
    const mug = await shop.product(3, '4.00');
    const { traceId, headers } = traced();
    const placed = await shop.api.post('/api/orders', {
      token: buyer.token,
      idempotencyKey: randomUUID(),
      headers,
      body: { items: [{ productId: mug, quantity: 1 }], payment: { method: 'card', token: 'tok_chargeDeclined' } },
    });
    expect(placed.body).toMatchObject({ status: 'CANCELLED', failureReason: 'PAYMENT_DECLINED' });

    await receiver.waitForSpans((all) => sagaSteps(all.filter((span) => span.traceId === traceId)).length >= 3, 30_000);
    const steps = sagaSteps(receiver.trace(traceId));
    const charge = steps.find((span) => span.attributes['saga.step'] === 'CHARGE_PAYMENT')!;
    expect(charge.statusCode).toBe(STATUS_ERROR);
    expect(charge.attributes['error.type']).toBe('PAYMENT_DECLINED');
    const compensation = steps.find((span) => span.attributes['saga.compensation'] === true);
    expect(compensation?.attributes).toMatchObject({ 'saga.step': 'RELEASE_STOCK', 'saga.failure_reason': 'PAYMENT_DECLINED' });
  });

  it('counts saga outcomes and compensations', async () => {
    const mug = await shop.product(10, '1.00');
    await shop.checkout(buyer, { method: 'card', token: 'tok_visa' }, [{ productId: mug, quantity: 1 }]);
    await shop.checkout(buyer, { method: 'card', token: 'tok_chargeDeclined' }, [{ productId: mug, quantity: 1 }]);

    // Cumulative counters: the two tests before made one confirmed and one declined checkout.
    const latest = (points: { attributes: Record<string, unknown>; value: number }[], match: Record<string, string>) =>
      points.filter((point) => Object.entries(match).every(([key, value]) => point.attributes[key] === value)).at(-1)?.value;
    await receiver.waitForMetric('bankshop.saga.outcomes', (points) => {
      const own = points.filter((point) => point.service === 'order');
      return latest(own, { outcome: 'confirmed', reason: 'none' }) === 2 && latest(own, { outcome: 'cancelled', reason: 'PAYMENT_DECLINED' }) === 2;
    });
    await receiver.waitForMetric('bankshop.saga.compensations', (points) =>
      latest(points.filter((point) => point.service === 'order'), { step: 'RELEASE_STOCK' }) === 2,
    );
  });
});
