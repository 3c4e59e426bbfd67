import { EnvInt, ServiceConfig } from '@bankshop/platform';

/** Environment of the inventory service; see `ServiceConfig` for the variables every service shares. */
export class InventoryConfig extends ServiceConfig {
  override PORT = 3005;

  /** How long a checkout may keep units reserved before the expiry job puts them back on sale. */
  @EnvInt(1)
  RESERVATION_TTL_SECONDS = 900;

  /** How often the expiry job looks for reservations past their time. */
  @EnvInt(100)
  RESERVATION_EXPIRY_INTERVAL_MS = 5_000;

  /**
   * Attempts of an optimistic stock update before it gives up: with CONCURRENT_UPDATE on internal
   * routes (the checkout saga retries it), with 503 UPSTREAM_UNAVAILABLE on the public admin route.
   */
  @EnvInt(1, 100)
  OPTIMISTIC_MAX_ATTEMPTS = 20;

  /** Lifetime of a cached product in Redis; entries are also invalidated on every change. */
  @EnvInt(1)
  PRODUCT_CACHE_TTL_SECONDS = 60;
}
