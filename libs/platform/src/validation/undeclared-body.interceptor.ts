import type { IncomingHttpHeaders } from 'node:http';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { Observable } from 'rxjs';
import { ValidationFailedError, type FieldError } from '@bankshop/contracts';

/** The parameter decorators through which a handler receives the body: `@Body()` and `@RawBody()`. */
const BODY_PARAMTYPES: ReadonlySet<number> = new Set([RouteParamtypes.BODY, RouteParamtypes.RAW_BODY]);

/**
 * API.md: unknown request fields are rejected (400). `StrictValidationPipe` does that for routes
 * with a body DTO, but a pipe only runs for the parameters a handler declares; a handler without
 * `@Body()` would take `{"force": true}` silently and the client would believe it was honoured.
 * So every field of a body sent to such a route is unknown, and the request is refused the same
 * way (`property force should not exist`). No body, an empty one, `{}` and `[]` are accepted.
 *
 * An interceptor rather than a guard so that it runs where the pipe would, after authentication
 * and authorisation (a stranger learns nothing about a route's shape) and before the handler and
 * any route interceptor (an idempotency key is not spent on a refused request). It sees only
 * Nest's handlers: the gateway's proxy is a Fastify route of its own and forwards bodies as before.
 *
 * A handler that reads the body must declare it with `@Body()` (or `@RawBody()`): whether it does
 * is read from the route argument metadata Nest's own decorators write, `ROUTE_ARGS_METADATA`
 * (public through `@nestjs/common`'s export map, as `constants.js`), keyed `<paramtype>:<index>`.
 */
export class UndeclaredBodyInterceptor implements NestInterceptor {
  private readonly takesBody = new WeakMap<object, boolean>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    // Kafka handlers inherit the app's interceptors; a message payload is validated by its own contract.
    if (context.getType() !== 'http' || this.declaresBody(context)) return next.handle();
    const { body, headers } = context.switchToHttp().getRequest<{ body?: unknown; headers: IncomingHttpHeaders }>();
    const errors = undeclaredBodyErrors(body, headers);
    if (errors.length > 0) throw new ValidationFailedError(errors);
    return next.handle();
  }

  private declaresBody(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let declares = this.takesBody.get(handler);
    if (declares === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as Record<string, unknown>;
      declares = Object.keys(args).some((key) => BODY_PARAMTYPES.has(Number(key.split(':')[0])));
      this.takesBody.set(handler, declares);
    }
    return declares;
  }
}

/**
 * The problems of a body sent where none is taken: one per top-level field of a JSON object, or
 * one for the whole body otherwise. A body the JSON parser did not read (another media type) is
 * seen by its headers only, as body-parser sees it.
 */
function undeclaredBodyErrors(body: unknown, headers: IncomingHttpHeaders): FieldError[] {
  if (isJsonObject(body)) {
    return Object.keys(body).map((field) => ({ field, message: `property ${field} should not exist` }));
  }
  return hasPayload(body, headers) ? [{ field: 'body', message: 'must be empty: this route takes no body' }] : [];
}

function isJsonObject(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && !Buffer.isBuffer(body);
}

function hasPayload(body: unknown, headers: IncomingHttpHeaders): boolean {
  if (Array.isArray(body) || typeof body === 'string' || Buffer.isBuffer(body)) return body.length > 0;
  if (body !== undefined && body !== null) return true;
  return Number(headers['content-length']) > 0 || headers['transfer-encoding'] !== undefined;
}
