import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AuthModule } from '@bankshop/auth';
import { MessagingModule } from '@bankshop/messaging';
import { ConfigModule } from './config/config.module.ts';
import { ServiceConfig } from './config/service-config.ts';
import { DatabaseModule, type DatabaseOptions } from './database/database.module.ts';
import { HealthModule } from './health/health.module.ts';
import { LoggingModule } from './logging/logging.module.ts';
import { RedisModule } from './redis/redis.module.ts';

export interface PlatformOptions extends DatabaseOptions {
  /** The service's configuration class (extends `ServiceConfig`). */
  config: Type<ServiceConfig>;
  /** Kafka client id and log name, e.g. `account`. */
  serviceName: string;
}

/**
 * Everything a service stands on, composed once: validated config, logs, its database, Redis,
 * Kafka with the outbox, token verification, and health probes. It is the one global module, so
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
        // Timers and cron jobs (expiry sweeps, reapers, daily reconciliation), stopped on shutdown.
        ScheduleModule.forRoot(),
      ],
      exports: [RedisModule, messaging],
    };
  }
}
