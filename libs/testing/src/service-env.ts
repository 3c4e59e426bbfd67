import { randomUUID } from 'node:crypto';
import { databaseUrl, localInfra, type DatabaseLogin } from './local-infra.ts';

/** The internal token every service under test shares. */
export const TEST_INTERNAL_TOKEN = 'test-internal-token-0123456789';

export interface ServiceEnvOptions {
  database: string;
  /** Run as this login instead of the owner (which then only runs the migrations). */
  databaseLogin?: DatabaseLogin;
  jwksUrl: string;
  /** The OTLP receiver of the test, if it asserts on telemetry. */
  otlpEndpoint?: string;
  extra?: Record<string, string>;
}

/** The environment a service process needs to run against the local test infrastructure. */
export function serviceEnv(options: ServiceEnvOptions): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl(options.database, options.databaseLogin),
    MIGRATION_DATABASE_URL: databaseUrl(options.database),
    REDIS_URL: localInfra.redisUrl,
    KAFKA_BROKERS: localInfra.kafkaBrokers.join(','),
    INTERNAL_API_TOKEN: TEST_INTERNAL_TOKEN,
    JWT_JWKS_URL: options.jwksUrl,
    LOG_LEVEL: 'info',
    DB_MIGRATE_ON_BOOT: 'true',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    // A group of its own: a test's service never takes partitions from another test's.
    KAFKA_GROUP_ID: `test-${randomUUID()}`,
    ...(options.otlpEndpoint
      ? {
          OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
          OTEL_BSP_SCHEDULE_DELAY: '200',
          OTEL_METRIC_EXPORT_INTERVAL: '1000',
        }
      : {}),
    ...options.extra,
  };
}
