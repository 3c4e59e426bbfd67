import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpReceiver, SPAN_KIND, type ReceivedSpan } from '@bankshop/testing';
import { BankingStack, type Customer } from './banking-stack.ts';

const isPg = (span: ReceivedSpan) => span.attributes['db.system'] === 'postgresql' || span.attributes['db.system.name'] === 'postgresql';

describe('telemetry of a transfer, through the gateway, as the collector receives it', () => {
  const receiver = new OtlpReceiver();
  let stack: BankingStack;
  BankingStack.showServiceErrorsOnFailure(() => stack);
  let alice: Customer;
  let bob: Customer;

  beforeAll(async () => {
    stack = await BankingStack.start({ viaGateway: true, otlpEndpoint: await receiver.start() });
    [alice, bob] = [await stack.customer(), await stack.customer()];
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver.stop();
  });

  it('is ONE trace: server spans of gateway, transaction, risk and account, their pg spans, the business steps, and the audit consumer', async () => {
    const from = await stack.openAccount(alice, 'USD', '100.00');
    const to = await stack.openAccount(bob, 'USD');
    const traceId = randomBytes(16).toString('hex');
    const response = await stack.api.post('/api/transfers', {
      token: alice.token,
      idempotencyKey: `trace-${traceId}`,
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      body: { fromAccountId: from, toAccountId: to, amount: '10.00' },
    });
    expect(response.status).toBe(201);
    expect(response.headers.traceparent).toContain(traceId);

    const servers = (spans: ReceivedSpan[], service: string) =>
      spans.filter((span) => span.traceId === traceId && span.service === service && span.kind === SPAN_KIND.server);
    const spans = await receiver.waitForSpans(
      (all) =>
        ['gateway', 'transaction', 'risk', 'account'].every((service) => servers(all, service).length > 0) &&
        all.some((span) => span.traceId === traceId && span.service === 'transaction' && span.kind === SPAN_KIND.consumer),
      30_000,
    );
    const trace = receiver.trace(traceId);

    // Each service's server span hangs under a client span of its caller: one tree, not four.
    const ids = new Set(trace.map((span) => span.spanId));
    for (const service of ['transaction', 'risk', 'account']) {
      for (const server of servers(spans, service)) expect(ids.has(server.parentSpanId!)).toBe(true);
    }
    for (const service of ['transaction', 'risk', 'account']) {
      expect(trace.some((span) => span.service === service && isPg(span))).toBe(true);
    }
    const names = trace.filter((span) => span.service === 'transaction').map((span) => span.name);
    expect(names).toEqual(expect.arrayContaining(['transfer.risk', 'transfer.prepare', 'transfer.commit']));
    expect(trace.some((span) => span.service === 'account' && span.name === 'hold.capture')).toBe(true);

    const consumer = trace.find((span) => span.service === 'transaction' && span.kind === SPAN_KIND.consumer);
    expect(consumer?.attributes['messaging.destination.name']).toBe('audit.events');
    expect(ids.has(consumer!.parentSpanId!)).toBe(true);

    // Nothing sensitive in any attribute of the trace.
    const attributes = JSON.stringify(trace.map((span) => span.attributes));
    expect(attributes).not.toMatch(/Bearer |password|\b\d{16}\b/);
  });

  it('counts transfers by outcome and lock mode in bankshop.transfers', async () => {
    const from = await stack.openAccount(alice, 'EUR', '100.00');
    const to = await stack.openAccount(bob, 'EUR');
    for (const lockMode of ['pessimistic', 'optimistic', 'optimistic']) {
      expect((await stack.transfer(alice, { fromAccountId: from, toAccountId: to, amount: '1.00', lockMode })).status).toBe(201);
    }
    expect((await stack.transfer(alice, { fromAccountId: from, toAccountId: to, amount: '500.00' })).status).toBe(422);

    // Counters are cumulative: the latest point of each attribute set is its total so far (the
    // first test made one pessimistic transfer already).
    const latest = (points: { attributes: Record<string, unknown>; value: number }[], outcome: string, lockMode: string) =>
      points.filter((point) => point.attributes.outcome === outcome && point.attributes.lock_mode === lockMode).at(-1)?.value;
    await receiver.waitForMetric('bankshop.transfers', (points) => {
      const own = points.filter((point) => point.service === 'transaction');
      return (
        latest(own, 'completed', 'pessimistic') === 2 &&
        latest(own, 'completed', 'optimistic') === 2 &&
        latest(own, 'rejected', 'pessimistic') === 1
      );
    });
  });
});
