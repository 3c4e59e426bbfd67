import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AuthModule } from '@bankshop/auth';
import { MessagingModule } from '@bankshop/messaging';
import { ConfigModule } from './config/config.module.ts';
import { ServiceConfig } from './config/service-config.ts';
import type { DatabaseOptions } from './database/data-source-options.ts';
import { DatabaseModule } from './database/database.module.ts';
import { HealthModule } from './health/health.module.ts';
import { LoggingModule } from './logging/logging.module.ts';
import { OpenApiModule } from './openapi/openapi.module.ts';
import { RedisModule } from './redis/redis.module.ts';

export interface PlatformOptions extends DatabaseOptions {
  /** The service's configuration class (extends `ServiceConfig`). */
  config: Type<ServiceConfig>;
  /** Kafka client id and log name, e.g. `account`. */
  serviceName: string;
}

/**
 * Everything a service stands on, composed once: validated config, logs, its database, Redis,
 * Kafka with the outbox, token verification, health probes and the OpenAPI document. It is the one global module, so
 * feature modules simply inject what they need (`Outbox`, `REDIS`, their config class).
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const messaging = MessagingModule.forRootAsync({
      inject: [ServiceConfig],
      useFactory: (config: ServiceConfig) => ({ brokers: config.KAFKA_BROKERS, clientId: options.serviceName }),
    });
    return {
      module: PlatformModule,
      global: true,
      imports: [
        ConfigModule.forRoot(options.config),
        LoggingModule,
        DatabaseModule.forRoot(options),
        RedisModule,
        messaging,
        AuthModule.forRootAsync({
          inject: [ServiceConfig],
          useFactory: (config: ServiceConfig) => ({
            jwksUrl: config.JWT_JWKS_URL,
            issuer: config.JWT_ISSUER,
            audience: config.JWT_AUDIENCE,
            internalApiToken: config.INTERNAL_API_TOKEN,
          }),
        }),
        HealthModule,
        // `GET /internal/openapi.json`, for the gateway's public document.
        OpenApiModule,
        // Timers and cron jobs (expiry sweeps, reapers, daily reconciliation), stopped on shutdown.
        ScheduleModule.forRoot(),
      ],
      exports: [RedisModule, messaging, OpenApiModule],
    };
  }
}
