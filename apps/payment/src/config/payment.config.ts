import { Transform } from 'class-transformer';
import { IsBoolean, IsDefined, IsOptional, IsUUID } from 'class-validator';
import { EnvInt, IsUrlWithProtocol, ServiceConfig } from '@bankshop/platform';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/**
 * The shop's merchant: the owner of the accounts that bank payments are paid into. Not a user
 * anyone can log in as; a fixed, documented id so that every replica, and an operator reading
 * the ledger, agree on whose accounts these are.
 */
export const DEFAULT_MERCHANT_USER_ID = '00000000-0000-4000-8000-00000000c0de';

/** Environment of the payment service; see `ServiceConfig` for the variables every service shares. */
export class PaymentConfig extends ServiceConfig {
  override PORT = 3006;

  /** Bank payments: the merchant's accounts are found or opened there. */
  @IsDefined({ message: 'is required' })
  @IsUrlWithProtocol(['http:', 'https:'])
  ACCOUNT_SERVICE_URL!: string;

  /** Bank payments and their refunds are transfers made there. */
  @IsDefined({ message: 'is required' })
  @IsUrlWithProtocol(['http:', 'https:'])
  TRANSACTION_SERVICE_URL!: string;

  /** Per attempt, for calls to the account and transaction services (a transfer is three calls of its own). */
  @EnvInt(50)
  UPSTREAM_TIMEOUT_MS = 5_000;

  /** Further attempts of a bank transfer whose outcome is not known (same idempotency key). */
  @EnvInt(0, 10)
  BANK_RETRIES = 2;

  @IsUUID('all', { message: 'must be a UUID' })
  MERCHANT_USER_ID = DEFAULT_MERCHANT_USER_ID;

  /** The card provider's base URL. Unset: this service's own simulator (`http://127.0.0.1:$PORT/simulator/card-provider`). */
  @IsOptional()
  @IsUrlWithProtocol(['http:', 'https:'])
  CARD_PROVIDER_URL?: string;

  /** Per attempt. A charge that times out is not retried: the provider is asked what became of it. */
  @EnvInt(50)
  CARD_PROVIDER_TIMEOUT_MS = 2_000;

  /** Further attempts of a charge the provider answered with a 5xx (same idempotency key). */
  @EnvInt(0, 10)
  CARD_PROVIDER_RETRIES = 2;

  /** Serves the simulated card provider under `/simulator/card-provider` (demos and tests). */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  CARD_PROVIDER_SIMULATOR_ENABLED = true;

  /** How long a request owns a payment in flight before a retry or the recovery sweeper may take it over. */
  @EnvInt(500)
  PAYMENT_LEASE_MS = 30_000;

  /** How often the recovery sweeper looks for abandoned payments and refunds. */
  @EnvInt(100)
  RECOVERY_INTERVAL_MS = 2_000;

  /**
   * Fault injection for crash tests and demos: pause this long after the payment is recorded
   * PENDING and before the provider or bank is called, so the service can be killed exactly
   * there. Always 0 in production.
   */
  @EnvInt(0)
  FAULT_PAUSE_BEFORE_PROVIDER_MS = 0;
}

/** Where the card provider is: the configured URL, or this service's own simulator. Always ends with `/`. */
export function cardProviderUrl(config: PaymentConfig): string {
  const url = config.CARD_PROVIDER_URL ?? `http://127.0.0.1:${config.PORT}/simulator/card-provider`;
  return url.endsWith('/') ? url : `${url}/`;
}
