import { context, propagation, trace, type SpanContext } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  captureTraceContext,
  currentTraceId,
  markSpanFailed,
  runInTraceContext,
  SpanKind,
  SpanStatusCode,
  withSpan,
} from './spans.ts';

/**
 * A real SDK tracer provider, context manager and the propagators the NodeSDK installs, so spans
 * are recorded and context flows across `await` exactly as in a service.
 */
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  trace.setGlobalTracerProvider(provider);
});

afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  propagation.disable();
  context.disable();
});

beforeEach(() => {
  exporter.reset();
});

async function finishedSpan(name: string): Promise<ReadableSpan> {
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans().filter((span) => span.name === name);
  if (spans.length !== 1) throw new Error(`expected one finished span "${name}", found ${spans.length}`);
  return spans[0]!;
}

class InsufficientFundsError extends Error {
  override readonly name = 'InsufficientFundsError';
  readonly code = 'INSUFFICIENT_FUNDS';
}

class LedgerCorruptedError extends Error {
  override readonly name = 'LedgerCorruptedError';
}

describe('withSpan', () => {
  it('returns what the work returns', async () => {
    await expect(withSpan('transfer.prepare', async () => 42)).resolves.toBe(42);
  });

  it('records an ended internal span with the given name and no error', async () => {
    await withSpan('transfer.prepare', async () => undefined);

    const span = await finishedSpan('transfer.prepare');
    expect(span.ended).toBe(true);
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.events).toEqual([]);
  });

  it('hands the span to the work so it can add attributes', async () => {
    await withSpan('transfer.prepare', async (span) => {
      span.setAttribute('bankshop.transfer.lock_mode', 'pessimistic');
    });

    expect((await finishedSpan('transfer.prepare')).attributes).toMatchObject({
      'bankshop.transfer.lock_mode': 'pessimistic',
    });
  });

  it('applies the kind, attributes and links it is given', async () => {
    const linked: SpanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    };

    await withSpan('outbox.relay', async () => undefined, {
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.system': 'kafka' },
      links: [{ context: linked }],
    });

    const span = await finishedSpan('outbox.relay');
    expect(span.kind).toBe(SpanKind.PRODUCER);
    expect(span.attributes).toMatchObject({ 'messaging.system': 'kafka' });
    expect(span.links.map((link) => link.context.spanId)).toEqual(['b7ad6b7169203331']);
  });

  it('rethrows the error of failed work unchanged', async () => {
    const error = new InsufficientFundsError('Balance too low.');

    await expect(withSpan('transfer.debit', async () => Promise.reject(error))).rejects.toBe(error);
  });

  it('marks the span of failed work as an error, with the exception recorded', async () => {
    await expect(
      withSpan('transfer.debit', async () => {
        throw new InsufficientFundsError('Balance too low.');
      }),
    ).rejects.toThrow('Balance too low.');

    const span = await finishedSpan('transfer.debit');
    expect(span.ended).toBe(true);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Balance too low.' });
    expect(span.events).toHaveLength(1);
    expect(span.events[0]?.name).toBe('exception');
    expect(span.events[0]?.attributes).toMatchObject({ 'exception.message': 'Balance too low.' });
    expect(span.events[0]?.attributes?.['exception.stacktrace']).toContain('InsufficientFundsError');
  });

  it('sets error.type to the stable error code when the error has one', async () => {
    await expect(
      withSpan('transfer.debit', async () => {
        throw new InsufficientFundsError('Balance too low.');
      }),
    ).rejects.toThrow(InsufficientFundsError);

    expect((await finishedSpan('transfer.debit')).attributes['error.type']).toBe('INSUFFICIENT_FUNDS');
  });

  it.each([
    { what: 'a built-in error', error: new TypeError('x is not a function'), type: 'TypeError' },
    { what: 'an application error without a code', error: new LedgerCorruptedError('hash mismatch'), type: 'LedgerCorruptedError' },
  ])('sets error.type to the class name of $what', async ({ error, type }) => {
    await expect(withSpan('reconcile', async () => Promise.reject(error))).rejects.toBe(error);

    expect((await finishedSpan('reconcile')).attributes['error.type']).toBe(type);
  });

  it('ignores a code that is not a string, such as a numeric errno', async () => {
    const error = Object.assign(new RangeError('out of range'), { code: 42 });

    await expect(withSpan('reconcile', async () => Promise.reject(error))).rejects.toBe(error);

    expect((await finishedSpan('reconcile')).attributes['error.type']).toBe('RangeError');
  });

  it('records a thrown non-error value as an Error and rethrows the value itself', async () => {
    await expect(withSpan('saga.step', async () => Promise.reject('card declined'))).rejects.toBe('card declined');

    const span = await finishedSpan('saga.step');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'card declined' });
    expect(span.attributes['error.type']).toBe('Error');
  });

  it('makes its span the active one while the work runs, across awaits', async () => {
    let activeInside: string | undefined;
    let own: string | undefined;

    await withSpan('transfer.prepare', async (span) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      activeInside = trace.getActiveSpan()?.spanContext().spanId;
      own = span.spanContext().spanId;
    });

    expect(activeInside).toBeDefined();
    expect(activeInside).toBe(own);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('starts a new trace when no span is active', async () => {
    await withSpan('root', async () => undefined);

    expect((await finishedSpan('root')).parentSpanContext).toBeUndefined();
  });

  it('nests as a child of the active span, in the same trace', async () => {
    await withSpan('transfer', async () => {
      await withSpan('transfer.debit', async () => undefined);
    });

    const parent = await finishedSpan('transfer');
    const child = await finishedSpan('transfer.debit');
    expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  });

  it('keeps concurrent children apart: each is a child of the parent, not of its sibling', async () => {
    await withSpan('checkout', async () => {
      await Promise.all([
        withSpan('reserve-stock', async () => new Promise((resolve) => setTimeout(resolve, 5))),
        withSpan('charge-card', async () => new Promise((resolve) => setTimeout(resolve, 1))),
      ]);
    });

    const parentId = (await finishedSpan('checkout')).spanContext().spanId;
    expect((await finishedSpan('reserve-stock')).parentSpanContext?.spanId).toBe(parentId);
    expect((await finishedSpan('charge-card')).parentSpanContext?.spanId).toBe(parentId);
  });
});

describe('markSpanFailed', () => {
  it('records an error on a span managed by hand the way withSpan does', async () => {
    const span = trace.getTracer('test').startSpan('manual');
    markSpanFailed(span, new InsufficientFundsError('Balance too low.'));
    span.end();

    const recorded = await finishedSpan('manual');
    expect(recorded.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Balance too low.' });
    expect(recorded.attributes['error.type']).toBe('INSUFFICIENT_FUNDS');
    expect(recorded.events.map((event) => event.name)).toEqual(['exception']);
  });
});

describe('currentTraceId', () => {
  it('is undefined outside of any trace', () => {
    expect(currentTraceId()).toBeUndefined();
  });

  it('is the trace id of the active span', async () => {
    const seen = await withSpan('request', async (span) => ({ current: currentTraceId(), own: span.spanContext().traceId }));

    expect(seen.current).toMatch(/^[0-9a-f]{32}$/);
    expect(seen.current).toBe(seen.own);
  });

  it('is undefined again once the span has ended', async () => {
    await withSpan('request', async () => undefined);

    expect(currentTraceId()).toBeUndefined();
  });
});

describe('captureTraceContext and runInTraceContext', () => {
  it('captures nothing outside of any trace', () => {
    expect(captureTraceContext()).toEqual({});
  });

  it('captures the active span as a W3C traceparent', async () => {
    const { carrier, spanContext } = await withSpan('transfer.complete', async (span) => ({
      carrier: captureTraceContext(),
      spanContext: span.spanContext(),
    }));

    expect(carrier.traceparent).toBe(`00-${spanContext.traceId}-${spanContext.spanId}-01`);
  });

  it('continues the captured trace: a span started later is a child of the captured span', async () => {
    const { carrier, spanContext } = await withSpan('transfer.complete', async (span) => ({
      carrier: captureTraceContext(),
      spanContext: span.spanContext(),
    }));

    await runInTraceContext(carrier, () => withSpan('outbox.publish', async () => undefined));

    const later = await finishedSpan('outbox.publish');
    expect(later.spanContext().traceId).toBe(spanContext.traceId);
    expect(later.parentSpanContext?.spanId).toBe(spanContext.spanId);
    expect(later.parentSpanContext?.isRemote).toBe(true);
  });

  it('exposes the captured trace id to currentTraceId before any new span starts', async () => {
    const { carrier, traceId } = await withSpan('transfer.complete', async (span) => ({
      carrier: captureTraceContext(),
      traceId: span.spanContext().traceId,
    }));

    expect(runInTraceContext(carrier, () => currentTraceId())).toBe(traceId);
    expect(currentTraceId()).toBeUndefined();
  });

  it('returns what the work returns', () => {
    expect(runInTraceContext({}, () => 'done')).toBe('done');
  });

  it('carries baggage along with the trace context', async () => {
    const withBaggage = propagation.setBaggage(
      context.active(),
      propagation.createBaggage({ 'bankshop.tenant': { value: 'demo' } }),
    );
    const carrier = await context.with(withBaggage, () => withSpan('request', async () => captureTraceContext()));

    const tenant = runInTraceContext(carrier, () => propagation.getActiveBaggage()?.getEntry('bankshop.tenant')?.value);

    expect(carrier.baggage).toBe('bankshop.tenant=demo');
    expect(tenant).toBe('demo');
  });

  it('starts a fresh trace from an empty carrier, even inside another span', async () => {
    const outerTraceId = await withSpan('consumer.poll', async (span) => {
      await runInTraceContext({}, () => withSpan('handle-message', async () => undefined));
      return span.spanContext().traceId;
    });

    const handled = await finishedSpan('handle-message');
    expect(handled.parentSpanContext).toBeUndefined();
    expect(handled.spanContext().traceId).not.toBe(outerTraceId);
  });

  it('starts a fresh trace from a malformed traceparent', async () => {
    const carrier = { traceparent: '00-not-a-trace-id-01' };

    expect(runInTraceContext(carrier, () => currentTraceId())).toBeUndefined();
    await runInTraceContext(carrier, () => withSpan('handle-message', async () => undefined));

    expect((await finishedSpan('handle-message')).parentSpanContext).toBeUndefined();
  });
});
