import { Transform } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsOptional, IsString, Matches, MinLength } from 'class-validator';
import { EnvInt, IsBrokerList, IsUrlWithProtocol } from './config-validators.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : value;

/**
 * The environment every service needs. Each service extends it with its own variables and its
 * own default `PORT`. Property names are the variable names, so a validation message names the
 * exact variable to fix.
 */
export class ServiceConfig {
  @EnvInt(1, 65535)
  PORT!: number;

  @IsDefined({ message: 'is required' })
  @IsUrlWithProtocol(['postgres:', 'postgresql:'])
  DATABASE_URL!: string;

  /**
   * The schema owner's connection, for migrations only, when the service runs as a role that does
   * not own its tables (the transaction service: it must not be able to rewrite its audit trail).
   * Unset: migrations use DATABASE_URL.
   */
  @IsOptional()
  @IsUrlWithProtocol(['postgres:', 'postgresql:'])
  MIGRATION_DATABASE_URL?: string;

  @IsDefined({ message: 'is required' })
  @IsUrlWithProtocol(['redis:', 'rediss:'])
  REDIS_URL!: string;

  @IsDefined({ message: 'is required' })
  @Transform(toList)
  @IsBrokerList()
  KAFKA_BROKERS!: string[];

  /** Shared secret of `/internal/*` routes; long enough that guessing it is hopeless. */
  @IsDefined({ message: 'is required' })
  @MinLength(16, { message: 'must be at least 16 characters' })
  @IsString()
  INTERNAL_API_TOKEN!: string;

  @IsDefined({ message: 'is required' })
  @IsUrlWithProtocol(['http:', 'https:'])
  JWT_JWKS_URL!: string;

  @IsString()
  JWT_ISSUER = 'bankshop-gateway';

  @IsString()
  JWT_AUDIENCE = 'bankshop';

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /**
   * Overrides the service's Kafka consumer group. Normally unset: each service consumes in its own
   * group (its name). Tests set it so that their throwaway instances never share partitions with
   * each other.
   */
  @IsOptional()
  @Matches(/^[\w.-]{1,100}$/, { message: 'must be 1 to 100 letters, digits, dots, dashes or underscores' })
  KAFKA_GROUP_ID?: string;

  /** Migrations normally run as a deploy step (`npm run db:migrate`), not on every boot. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  DB_MIGRATE_ON_BOOT = false;

  /** How long in-flight work may take to finish after SIGTERM before the process gives up. */
  @EnvInt(0)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  @EnvInt(1)
  DB_POOL_SIZE = 10;

  /** API.md: idempotency keys are kept at least 24 hours. */
  @EnvInt(24)
  IDEMPOTENCY_KEY_TTL_HOURS = 24;

  /**
   * How long a claimed key protects a request in flight (409 IDEMPOTENCY_IN_PROGRESS to a repeat)
   * before a retry may take it over: the request's process may have died.
   */
  @EnvInt(1_000)
  IDEMPOTENCY_LEASE_MS = 60_000;
}
