import { createHash } from 'node:crypto';
import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { DomainError, UpstreamUnavailableError, ValidationFailedError } from '@bankshop/contracts';
import { ServiceConfig } from '../config/service-config.ts';
import { toProblemDetails } from '../errors/problem-details.filter.ts';
import { IdempotencyKeyRequiredError, IdempotencyKeyReusedError, IdempotencyInProgressError } from './idempotency.errors.ts';
import { PreparedResponse } from './prepared-response.ts';
import { IdempotencyStore } from './idempotency-store.ts';

/** API.md: an Idempotency-Key is 1–255 printable ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` semantics of API.md (the IETF draft, as Stripe does it), for the routes
 * marked `@Idempotent()`:
 *
 * - no key: 400 IDEMPOTENCY_KEY_REQUIRED;
 * - a new key: the request runs, and its answer, success or business failure, is stored;
 * - the same key and body again: the stored answer, byte for byte, with `Idempotent-Replayed: true`;
 * - the same key with a different body: 422 IDEMPOTENCY_KEY_REUSED;
 * - the same key while the first request still runs: 409 IDEMPOTENCY_IN_PROGRESS.
 *
 * Keys are scoped per user. A request that fails validation (400) or fails unexpectedly (a bug,
 * a 500) is not stored, as with Stripe: the claim is released so that the client can retry.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
    private readonly config: ServiceConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return from(this.handle(context, next));
  }

  private async handle(context: ExecutionContext, next: CallHandler): Promise<unknown> {
    const request = context.switchToHttp().getRequest<Request & { user?: { id: string } }>();
    const key = request.headers['idempotency-key'];
    if (key === undefined) throw new IdempotencyKeyRequiredError();
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new ValidationFailedError([{ field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' }]);
    }
    const scope = request.user?.id ?? 'anonymous';
    const requestHash = hashRequest(request);

    const claim = await this.store.claim(scope, key, requestHash, this.config.IDEMPOTENCY_LEASE_MS);
    switch (claim.kind) {
      case 'replay':
        throw new PreparedResponse(claim.status, claim.body, true);
      case 'reused':
        throw new IdempotencyKeyReusedError();
      case 'in-progress':
        throw new IdempotencyInProgressError();
      case 'claimed':
        break;
    }

    try {
      const body: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
      // Nest sets the route's status before the handler runs; a handler may change it (202 for
      // work still under way), so the status kept is the one on the response now.
      const { statusCode } = context.switchToHttp().getResponse<{ statusCode?: unknown }>();
      const status =
        (typeof statusCode === 'number' ? statusCode : undefined) ??
        this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ??
        (request.method === 'POST' ? 201 : 200);
      await this.store.complete(scope, key, status, body);
      return body;
    } catch (error) {
      // A request that never ran (it failed validation) or failed unexpectedly is not an answer
      // to keep: the key is released so that the corrected request, or a retry, can use it.
      if (!(error instanceof DomainError) || error instanceof ValidationFailedError) {
        await this.store.release(scope, key);
        throw error;
      }
      // A business failure is an answer like any other: store exactly what the client is sent.
      const problem = toProblemDetails(error, { method: request.method, path: pathOf(request) });
      await this.store.complete(scope, key, problem.status, problem);
      const retryAfter = error instanceof UpstreamUnavailableError ? error.retryAfterSeconds : undefined;
      throw new PreparedResponse(problem.status, problem, false, retryAfter);
    }
  }
}

/** Same method, same path, same JSON body (whatever its key order): the same request. */
function hashRequest(request: Request): string {
  return createHash('sha256')
    .update(JSON.stringify([request.method, pathOf(request), canonical(request.body)]))
    .digest('hex');
}

function pathOf(request: Request): string {
  return (request.originalUrl ?? request.url).split('?')[0] ?? '/';
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
