import { setTimeout as sleep } from 'node:timers/promises';
import type CircuitBreaker from 'opossum';
import pRetry from 'p-retry';
import { meter } from '@bankshop/telemetry';
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import { createCircuitBreaker, DEFAULT_BREAKER, stateOf, type BreakerOptions, type CircuitState } from './circuit-breaker.ts';
import {
  UpstreamServerError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  type UpstreamResponse,
} from './upstream-errors.ts';

export interface UpstreamOptions {
  /** Short name used in errors, metrics and logs: `risk`, `account`. */
  name: string;
  baseUrl: string;
  /** Per attempt. An answer after this is a 504, and the attempt counts as a failure. */
  timeoutMs: number;
  /** Retries for idempotent calls only; the default 2 means at most 3 attempts. */
  retries?: number;
  backoff?: BackoffOptions;
  breaker?: BreakerOptions;
}

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Whether sending this twice is harmless. GETs are; a POST is only when it carries an
   * idempotency key the upstream honours. Only idempotent calls are retried.
   */
  idempotent?: boolean;
}

const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 50, maxMs: 1_000 };

const retryCounter = meter().createCounter('bankshop.upstream.retries', {
  description: 'Retried calls to an upstream service',
});
/**
 * An HTTP client for one upstream service: every call has a timeout, goes through a circuit
 * breaker (opossum), and is retried with backoff only when it is idempotent.
 *
 * What counts against the breaker: no connection, a timeout, a 5xx. A 4xx is the upstream
 * answering correctly about a bad request, so it is returned like any other response.
 * While the breaker is open, calls fail at once with `UpstreamUnavailableError` instead of
 * piling up on a service that is down.
 */
export class UpstreamClient {
  private readonly breaker: CircuitBreaker<[UpstreamRequest], UpstreamResponse>;
  private readonly retries: number;
  private readonly backoff: BackoffOptions;
  private readonly breakerOptions: BreakerOptions;

  constructor(private readonly options: UpstreamOptions) {
    this.retries = options.retries ?? 2;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.breakerOptions = options.breaker ?? DEFAULT_BREAKER;
    this.breaker = createCircuitBreaker(options.name, (request: UpstreamRequest) => this.attempt(request), this.breakerOptions);
  }

  get name(): string {
    return this.options.name;
  }

  /** `closed`, `halfOpen` or `open`, for health reports. */
  get circuit(): CircuitState {
    return stateOf(this.breaker);
  }

  async request<TBody = unknown>(request: UpstreamRequest): Promise<UpstreamResponse<TBody>> {
    const idempotent = request.idempotent ?? request.method === 'GET';
    const call = () => this.fire(request);
    try {
      const response = idempotent
        ? await pRetry(call, {
            retries: this.retries,
            // p-retry's own delay is disabled; ours below is capped exponential with full jitter.
            minTimeout: 0,
            maxTimeout: 0,
            shouldRetry: ({ error }) => isRetryable(error),
            onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
              if (retriesLeft > 0 && isRetryable(error)) {
                retryCounter.add(1, { upstream: this.options.name });
                await sleep(backoffDelay(attemptNumber - 1, this.backoff));
              }
            },
          })
        : await call();
      return response as UpstreamResponse<TBody>;
    } catch (error) {
      // After the last attempt a 5xx is handed back as the answer it is; the caller decides.
      if (error instanceof UpstreamServerError) return error.response as UpstreamResponse<TBody>;
      throw error;
    }
  }

  private async fire(request: UpstreamRequest): Promise<UpstreamResponse> {
    try {
      return await this.breaker.fire(request);
    } catch (error) {
      if ((error as { code?: string }).code === 'EOPENBREAKER') {
        throw new CircuitOpenError(this.options.name, Math.ceil(this.breakerOptions.resetTimeoutMs / 1000));
      }
      throw error;
    }
  }

  private async attempt(request: UpstreamRequest): Promise<UpstreamResponse> {
    let response: Response;
    try {
      response = await fetch(new URL(request.path, this.options.baseUrl), {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw new UpstreamTimeoutError(this.options.name);
      throw new UpstreamUnavailableError(this.options.name);
    }
    const text = await response.text().catch(() => '');
    const result: UpstreamResponse = { status: response.status, headers: response.headers, body: parseBody(text) };
    if (response.status >= 500) throw new UpstreamServerError(this.options.name, result);
    return result;
  }
}

/** Fails fast while the breaker is open; retrying it would only wait for nothing. */
export class CircuitOpenError extends UpstreamUnavailableError {}

function isRetryable(error: unknown): boolean {
  if (error instanceof CircuitOpenError) return false;
  return (
    error instanceof UpstreamTimeoutError ||
    error instanceof UpstreamUnavailableError ||
    error instanceof UpstreamServerError
  );
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
