import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpReceiver, SPAN_KIND, TestIdentityProvider, type ReceivedSpan } from '@bankshop/testing';
import type { TestService } from '@bankshop/testing';
import { startFixture } from './fixtures.ts';

describe('a trace continues from an HTTP request, through the outbox and Kafka, into another service', () => {
  const receiver = new OtlpReceiver();
  const identity = new TestIdentityProvider();
  let producer: TestService;
  let consumer: TestService;

  beforeAll(async () => {
    const otlpEndpoint = await receiver.start();
    await identity.start();
    [consumer, producer] = await Promise.all([
      startFixture('consumer', { jwksUrl: identity.jwksUrl, otlpEndpoint }),
      startFixture('producer', { jwksUrl: identity.jwksUrl, otlpEndpoint }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([producer?.stop(), consumer?.stop()]);
    await receiver.stop();
    await identity.stop();
  });

  it('puts the consumer span of the other service in the caller’s trace, with pg spans on both sides', async () => {
    const traceId = randomBytes(16).toString('hex');
    const aggregateId = randomUUID();

    const response = await fetch(`${producer.service.url}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      body: JSON.stringify({ name: aggregateId }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(response.headers.get('x-request-id')).toBeTruthy();

    const inTrace = (spans: ReceivedSpan[]) => spans.filter((span) => span.traceId === traceId);
    const spans = await receiver.waitForSpans((all) => {
      const trace = inTrace(all);
      return (
        trace.some((span) => span.service === 'fixture-consumer' && span.kind === SPAN_KIND.consumer) &&
        trace.some((span) => span.service === 'fixture-consumer' && isPgSpan(span)) &&
        trace.some((span) => span.service === 'fixture-producer' && isPgSpan(span))
      );
    });
    const trace = inTrace(spans);

    const server = trace.find((span) => span.service === 'fixture-producer' && span.kind === SPAN_KIND.server);
    const send = trace.find((span) => span.service === 'fixture-producer' && span.kind === SPAN_KIND.producer);
    const process = trace.find((span) => span.service === 'fixture-consumer' && span.kind === SPAN_KIND.consumer);
    expect(server).toBeDefined();
    expect(send?.name).toBe('send audit.events');
    // A child, not a link: the consumer's work is part of the request that caused it.
    expect(process?.parentSpanId).toBe(send?.spanId);
    expect(process?.attributes['messaging.destination.name']).toBe('audit.events');

    const received = (await (await fetch(`${consumer.service.url}/received?aggregateId=${aggregateId}`)).json()) as {
      eventIds: string[];
    };
    expect(received.eventIds).toHaveLength(1);
  });
});

function isPgSpan(span: ReceivedSpan): boolean {
  return span.attributes['db.system'] === 'postgresql' || span.attributes['db.system.name'] === 'postgresql';
}
