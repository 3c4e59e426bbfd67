import { applyDecorators, Injectable, Logger, Module, UseInterceptors } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { ServiceConfig } from '../config/service-config.ts';
import { IdempotencyInterceptor } from './idempotency.interceptor.ts';
import { IdempotencyStore } from './idempotency-store.ts';

/** Marks a state-changing route as requiring and honouring an `Idempotency-Key` header. */
export const Idempotent = () => applyDecorators(UseInterceptors(IdempotencyInterceptor));

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
