import { EnvInt, ServiceConfig } from '@bankshop/platform';

/** Environment of the account service; see `ServiceConfig` for the variables every service shares. */
export class AccountConfig extends ServiceConfig {
  override PORT = 3001;

  /** How long a prepared transfer may keep funds reserved before the expiry job releases them. */
  @EnvInt(1)
  HOLD_TTL_SECONDS = 300;

  /** How often the expiry job looks for holds past their time. */
  @EnvInt(100)
  HOLD_EXPIRY_INTERVAL_MS = 5_000;

  /** Attempts of an optimistic change before it gives up with CONCURRENT_UPDATE. */
  @EnvInt(1, 100)
  OPTIMISTIC_MAX_ATTEMPTS = 12;

  /** Lifetime of a cached account in Redis; entries are also invalidated on every change. */
  @EnvInt(1)
  ACCOUNT_CACHE_TTL_SECONDS = 60;
}
