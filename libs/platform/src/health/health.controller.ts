import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { Public } from '@bankshop/auth';
import { KafkaHealth } from '@bankshop/messaging';
import { REDIS } from '../redis/redis.module.ts';

/** Each dependency must answer within this, or the service reports itself not ready. */
const PROBE_TIMEOUT_MS = 1_500;

/**
 * Liveness says the process is alive (restart it if not); readiness says it can serve right now,
 * checked by a real round trip to each of its own dependencies (take it out of rotation if not).
 */
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly kafka: KafkaHealth,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.database.pingCheck('postgres').withTimeout(PROBE_TIMEOUT_MS),
        () =>
          this.indicators
            .check('redis')
            .attempt(async () => void (await this.redis.ping()))
            .withTimeout(PROBE_TIMEOUT_MS),
        () =>
          this.indicators
            .check('kafka')
            .attempt(() => this.kafka.ping(PROBE_TIMEOUT_MS))
            .withTimeout(PROBE_TIMEOUT_MS + 250),
      ]);
    } catch (error) {
      // Terminus reports "not ready" as an exception; a probe wants the same body with a 503.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }
}
