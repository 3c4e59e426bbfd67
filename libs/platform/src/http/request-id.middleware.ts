import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';

/** Ids we accept from callers: short and harmless in a log line or a header. */
const ACCEPTABLE_REQUEST_ID = /^[\w.:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Plain Node request and response types: it runs as Express middleware in the services and
 * through middie in the (Fastify) gateway.
 *
 * Gives every request an id (the caller's `X-Request-Id` when it is sane, a fresh UUID otherwise),
 * echoes it, and answers with the `traceparent` of the server span, so a client can quote either
 * to find its request in logs and traces.
 */
export function requestContextMiddleware(request: IncomingMessage, response: ServerResponse, next: () => void): void {
  const incoming = request.headers[REQUEST_ID_HEADER];
  const requestId = typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  request.headers[REQUEST_ID_HEADER] = requestId;
  response.setHeader('X-Request-Id', requestId);

  const span = trace.getActiveSpan()?.spanContext();
  if (span && trace.isSpanContextValid(span)) {
    response.setHeader('traceparent', `00-${span.traceId}-${span.spanId}-0${(span.traceFlags & 1).toString(16)}`);
  }
  next();
}
