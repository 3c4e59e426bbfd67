import { Transform } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsString, MinLength } from 'class-validator';
import { IsBrokerList, IsIntInRange, IsUrlWithProtocol } from './config-validators.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);
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
  @Transform(toInt)
  @IsIntInRange(1, 65535)
  PORT!: number;

  @IsDefined({ message: 'is required' })
  @IsUrlWithProtocol(['postgres:', 'postgresql:'])
  DATABASE_URL!: string;

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

  /** Migrations normally run as a deploy step (`npm run db:migrate`), not on every boot. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  DB_MIGRATE_ON_BOOT = false;

  /** How long in-flight work may take to finish after SIGTERM before the process gives up. */
  @Transform(toInt)
  @IsIntInRange(0)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  @Transform(toInt)
  @IsIntInRange(1)
  DB_POOL_SIZE = 10;

  /** API.md: idempotency keys are kept at least 24 hours. */
  @Transform(toInt)
  @IsIntInRange(24)
  IDEMPOTENCY_KEY_TTL_HOURS = 24;
}
