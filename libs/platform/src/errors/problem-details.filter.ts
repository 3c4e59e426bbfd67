import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import {
  DomainError,
  UpstreamUnavailableError,
  ValidationFailedError,
  type ErrorCode,
  type FieldError,
} from '@bankshop/contracts';
import { currentTraceId } from '@bankshop/telemetry';
import { ERROR_CATALOG, problemType } from './error-catalog.ts';
import { PreparedResponse } from '../idempotency/prepared-response.ts';
import { isDatabaseUnavailable } from '../database/postgres-errors.ts';

/** An RFC 9457 problem document, as every error of the API is answered. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  traceId: string | undefined;
  errors?: readonly FieldError[];
  [extension: string]: unknown;
}

/** How soon to retry after the database could not serve a request. */
const DATABASE_RETRY_AFTER_SECONDS = 1;

/** Framework errors (routing, body parsing) that reach us as plain HTTP statuses. */
const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
};

/**
 * The single exception filter: whatever was thrown becomes an `application/problem+json` answer
 * with a stable `code` and the `traceId` to find the request in the tracing backend.
 *
 * - Domain errors keep their message: it was written for the client.
 * - A database that cannot serve the request (no free connection in time, the server refusing
 *   more, down) is a 503 `UPSTREAM_UNAVAILABLE` with `Retry-After`: retrying may well succeed.
 * - Anything unexpected is a 500 whose body says nothing about the cause; the cause goes to the
 *   log (with the same trace id), never to the client.
 * - A `PreparedResponse` (an idempotent replay, or a failure exactly as it was stored) is sent
 *   verbatim.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  /** Works on either HTTP adapter (Express for the services, Fastify for the gateway). */
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const response: unknown = http.getResponse();
    const request = http.getRequest<RequestLike>();
    const adapter = this.adapterHost.httpAdapter;
    if (adapter.isHeadersSent(response)) return;

    if (exception instanceof PreparedResponse) {
      if (exception.replayed) adapter.setHeader(response, 'Idempotent-Replayed', 'true');
      if (exception.status === 503) adapter.setHeader(response, 'Retry-After', String(exception.retryAfterSeconds ?? 1));
      adapter.setHeader(response, 'Content-Type', exception.status >= 400 ? 'application/problem+json' : 'application/json');
      adapter.reply(response, JSON.stringify(exception.body), exception.status);
      return;
    }

    const problem = toProblemDetails(exception, requestPath(request));
    if (problem.status >= 500) {
      this.logger.error({ err: exception, path: requestPath(request).path, traceId: problem.traceId }, 'request failed');
    }
    if (exception instanceof UpstreamUnavailableError) {
      adapter.setHeader(response, 'Retry-After', String(exception.retryAfterSeconds));
    } else if (problem.code === 'UPSTREAM_UNAVAILABLE') {
      adapter.setHeader(response, 'Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    }
    adapter.setHeader(response, 'Content-Type', 'application/problem+json');
    adapter.reply(response, JSON.stringify(problem), problem.status);
  }
}

/** What the filter needs of a request, on Express or Fastify. */
interface RequestLike {
  method: string;
  url: string;
  originalUrl?: string;
}

function requestPath(request: RequestLike): RequestSummary {
  return { method: request.method, path: (request.originalUrl ?? request.url).split('?')[0] ?? '/' };
}

export interface RequestSummary {
  method: string;
  path: string;
}

/** The problem document for anything thrown while handling `request`. */
export function toProblemDetails(exception: unknown, request: RequestSummary): ProblemDetails {
  if (exception instanceof DomainError) {
    return problem(exception.code, exception.message, {
      ...exception.extensions,
      ...(exception instanceof ValidationFailedError ? { errors: exception.errors } : {}),
    });
  }
  if (exception instanceof HttpException) {
    return fromHttpException(exception, request);
  }
  if (isFrameworkClientError(exception)) {
    // Fastify's own refusals (body too large, bad content type, malformed JSON) carry a 4xx status.
    return fromHttpException(new HttpException(exception.message, exception.statusCode, { cause: exception }), request);
  }
  if (isDatabaseUnavailable(exception)) {
    return problem('UPSTREAM_UNAVAILABLE', 'The service cannot reach its database right now. Try again shortly.');
  }
  return problem('INTERNAL_ERROR', 'An unexpected error occurred. Quote the traceId if you report it.');
}

/** An error raised by the HTTP framework itself about the request, e.g. Fastify's `FST_ERR_CTP_BODY_TOO_LARGE`. */
function isFrameworkClientError(exception: unknown): exception is Error & { statusCode: number } {
  if (!(exception instanceof Error)) return false;
  const { statusCode, code } = exception as { statusCode?: unknown; code?: unknown };
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 && typeof code === 'string' && code.startsWith('FST_');
}

function fromHttpException(exception: HttpException, request: RequestSummary): ProblemDetails {
  const status = exception.getStatus();
  const code = CODE_BY_STATUS[status];
  if (!code) {
    return status >= 500
      ? problem('INTERNAL_ERROR', 'An unexpected error occurred. Quote the traceId if you report it.')
      : { ...problem('VALIDATION_FAILED', exception.message), status };
  }
  switch (code) {
    case 'NOT_FOUND':
      return problem(code, `No route for ${request.method} ${request.path}.`);
    case 'VALIDATION_FAILED':
      // The JSON body parser raises a 400 whose cause is the SyntaxError.
      return exception.cause instanceof SyntaxError || /JSON/i.test(exception.message)
        ? problem(code, 'The request body is not valid JSON.', {
            errors: [{ field: 'body', message: 'must be valid JSON' }],
          })
        : problem(code, exception.message);
    case 'PAYLOAD_TOO_LARGE':
      return problem(code, 'The request body is larger than this endpoint accepts.');
    default:
      return problem(code, ERROR_CATALOG[code].title + '.');
  }
}

function problem(code: ErrorCode, detail: string, extensions: Record<string, unknown> = {}): ProblemDetails {
  const { status, title } = ERROR_CATALOG[code];
  const standard = { type: problemType(code), title, status, detail, code, traceId: currentTraceId() };
  // Spread twice: the standard members keep their place first, and no extension (a transfer's
  // own `status`, say) can overwrite them and with them the HTTP status of the answer.
  return { ...standard, ...extensions, ...standard };
}
