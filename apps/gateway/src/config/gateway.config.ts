import { IsDefined, IsOptional, IsString, MinLength } from 'class-validator';
import { EnvInt, IsUrlWithProtocol, ServiceConfig } from '@bankshop/platform';

const required = { message: 'is required' };

/** Environment of the gateway; see `ServiceConfig` for the variables every service shares. */
export class GatewayConfig extends ServiceConfig {
  override PORT = 3000;

  @IsDefined(required)
  @IsUrlWithProtocol(['http:', 'https:'])
  ACCOUNT_SERVICE_URL!: string;

  @IsDefined(required)
  @IsUrlWithProtocol(['http:', 'https:'])
  TRANSACTION_SERVICE_URL!: string;

  @IsDefined(required)
  @IsUrlWithProtocol(['http:', 'https:'])
  RISK_SERVICE_URL!: string;

  @IsDefined(required)
  @IsUrlWithProtocol(['http:', 'https:'])
  ORDER_SERVICE_URL!: string;

  @IsDefined(required)
  @IsUrlWithProtocol(['http:', 'https:'])
  INVENTORY_SERVICE_URL!: string;

  @IsDefined(required)
  @IsUrlWithProtocol(['http:', 'https:'])
  PAYMENT_SERVICE_URL!: string;

  /** The administrator created (or updated) at start-up. */
  @IsString()
  ADMIN_EMAIL = 'admin@demo.local';

  @IsString()
  @MinLength(12, { message: 'must be at least 12 characters' })
  ADMIN_PASSWORD = 'admin-demo-password';

  /**
   * The RS256 signing key (PKCS#8 PEM). Unset: a key pair is generated on first start and kept in
   * the gateway's database, so replicas share it and restarts keep tokens valid. Never committed.
   */
  @IsOptional()
  @IsString()
  JWT_PRIVATE_KEY?: string;

  /** Access tokens are short-lived: a stolen one is useful for minutes, not days. */
  @EnvInt(30, 86_400)
  JWT_TTL_SECONDS = 900;

  /** Token bucket per user (per IP when anonymous): size of a burst... */
  @EnvInt(1)
  RATE_LIMIT_CAPACITY = 100;

  /** ...and sustained requests per second. */
  @EnvInt(1)
  RATE_LIMIT_REFILL_PER_SEC = 50;

  /** Login and register, per IP: slows down password guessing. */
  @EnvInt(1)
  AUTH_RATE_LIMIT_PER_MIN = 30;

  /** How long an upstream may take to start answering before the gateway answers 504. */
  @EnvInt(100)
  UPSTREAM_TIMEOUT_MS = 15_000;

  /** Circuit breaker: how long an upstream fails fast after it was found failing. */
  @EnvInt(100)
  BREAKER_RESET_TIMEOUT_MS = 5_000;

  /** Comma-separated origins allowed to call the API from a browser; empty: CORS off. */
  @IsString()
  CORS_ORIGINS = '';
}
