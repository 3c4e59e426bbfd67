import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Link,
  type Span,
} from '@opentelemetry/api';

const tracer = trace.getTracer('bankshop');

export interface SpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
  links?: Link[];
}

/**
 * Runs `work` inside a new active span: the manual spans for business steps
 * (`transfer.prepare`, `saga.step`, ...). A thrown error is recorded on the span with an error
 * status and rethrown; `error.type` carries the stable error code when there is one.
 *
 * Attributes go to the tracing backend: never put secrets or full account numbers in them.
 */
export function withSpan<T>(name: string, work: (span: Span) => Promise<T>, options: SpanOptions = {}): Promise<T> {
  return tracer.startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links: options.links },
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        markSpanFailed(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Records an error on a span the way `withSpan` does, for spans managed by hand. */
export function markSpanFailed(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  const code = (err as { code?: unknown }).code;
  span.recordException(err);
  span.setAttribute('error.type', typeof code === 'string' ? code : err.constructor.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}

/**
 * Marks a span as failed for a business reason (declined, out of stock): status ERROR and
 * `error.type` = the stable code, without an exception event, since nothing was thrown.
 */
export function markSpanRefused(span: Span, code: string, message: string): void {
  span.setAttribute('error.type', code);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** The trace id of the active span, or undefined outside of any trace. */
export function currentTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/**
 * The W3C trace context (`traceparent`, `tracestate`, `baggage`) of the active span as plain
 * strings, to be stored with work that continues later, such as an outbox row.
 */
export function captureTraceContext(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** Runs `work` as a continuation of a trace context captured earlier with `captureTraceContext`. */
export function runInTraceContext<T>(carrier: Readonly<Record<string, string>>, work: () => T): T {
  return context.with(propagation.extract(ROOT_CONTEXT, carrier), work);
}

export { SpanKind, SpanStatusCode, type Attributes, type Span };
