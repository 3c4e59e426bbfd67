import { applyDecorators, Injectable, Logger, Module, UseInterceptors } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { ApiHeader } from '@nestjs/swagger';
import { ServiceConfig } from '../config/service-config.ts';
import { ApiProblems } from '../openapi/problem-responses.ts';
import { IdempotencyInterceptor } from './idempotency.interceptor.ts';
import { IdempotencyStore } from './idempotency-store.ts';

/**
 * Marks a state-changing route as requiring and honouring an `Idempotency-Key` header, and
 * documents the header and its errors in OpenAPI (an invalid key is a 400 `VALIDATION_FAILED`).
 */
export const Idempotent = () =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: true,
      description:
        'Makes the request safe to retry: the same key with the same body replays the first answer ' +
        '(`Idempotent-Replayed: true`) and nothing happens twice. 1–255 printable ASCII characters, scoped ' +
        'to the caller, kept at least 24 hours; a UUID v4 is a good choice.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7e]{1,255}$' },
      example: '5c1b3b1e-8f8e-4a8c-9d55-1f2a3b4c5d6e',
    }),
    ApiProblems('VALIDATION_FAILED', 'IDEMPOTENCY_KEY_REQUIRED', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS'),
  );

/** Keys are kept at least 24 hours (API.md), then deleted hourly. */
@Injectable()
export class IdempotencyReaper {
  private readonly logger = new Logger(IdempotencyReaper.name);

  constructor(
    private readonly store: IdempotencyStore,
    private readonly config: ServiceConfig,
  ) {}

  @Interval(60 * 60 * 1000)
  async reap(): Promise<number> {
    const deleted = await this.store.reap(this.config.IDEMPOTENCY_KEY_TTL_HOURS).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not reap idempotency keys');
      return 0;
    });
    if (deleted > 0) this.logger.log({ deleted }, 'reaped expired idempotency keys');
    return deleted;
  }
}

/** For services with `@Idempotent()` routes; they also add `IdempotencyKeys1763942600000` to their migrations. */
@Module({
  providers: [IdempotencyStore, IdempotencyInterceptor, IdempotencyReaper],
  exports: [IdempotencyStore, IdempotencyInterceptor, IdempotencyReaper],
})
export class IdempotencyModule {}
