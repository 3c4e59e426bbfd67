import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ValidationFailedError } from '@bankshop/contracts';
import { IDEMPOTENCY_KEY_PATTERN, IdempotencyKeyRequiredError } from '@bankshop/platform';

/**
 * The `Idempotency-Key` header, required and checked as API.md has it (400
 * IDEMPOTENCY_KEY_REQUIRED without one, 400 VALIDATION_FAILED for a malformed one).
 *
 * These routes keep their keys on the payment itself rather than through `@Idempotent()`: that
 * interceptor stores every answer, and a "not known yet, ask again" (503) must not be replayed
 * when the caller asks again; the retry has to find out.
 */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const key = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers['idempotency-key'];
  if (key === undefined) throw new IdempotencyKeyRequiredError();
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new ValidationFailedError([{ field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' }]);
  }
  return key;
});
