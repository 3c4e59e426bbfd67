import { Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { ServiceConfig } from '../config/service-config.ts';

/** The service's Redis connection: `@Inject(REDIS) private readonly redis: Redis`. */
export const REDIS = Symbol('REDIS');

@Injectable()
class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * One ioredis client per service. Commands fail fast while disconnected instead of queueing:
 * Redis holds caches and counters here, and a caller is better served by a quick error (and its
 * fallback) than by a request that hangs until Redis returns.
 */
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [ServiceConfig],
      useFactory: (config: ServiceConfig) =>
        new Redis(config.REDIS_URL, {
          connectTimeout: 2_000,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          // A Redis that is connected but stalled must not hang requests either.
          commandTimeout: 1_000,
          retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
        }),
    },
    RedisShutdown,
  ],
  exports: [REDIS],
})
export class RedisModule {}
