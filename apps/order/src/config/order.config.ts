import { IsDefined, IsIn, IsOptional } from 'class-validator';
import { EnvInt, IsUrlWithProtocol, ServiceConfig } from '@bankshop/platform';
import { SAGA_STEPS, type SagaStepName } from '../orders/domain/checkout-saga.ts';

/** Environment of the order service; see `ServiceConfig` for the variables every service shares. */
export class OrderConfig extends ServiceConfig {
  override PORT = 3004;

  @IsDefined({ message: 'is required' })
  @IsUrlWithProtocol(['http:', 'https:'])
  INVENTORY_SERVICE_URL!: string;

  @IsDefined({ message: 'is required' })
  @IsUrlWithProtocol(['http:', 'https:'])
  PAYMENT_SERVICE_URL!: string;

  /** Per attempt, for calls to the inventory service. */
  @EnvInt(50)
  UPSTREAM_TIMEOUT_MS = 3_000;

  /** Per attempt, for calls to the payment service (which itself waits on a card provider or the bank). */
  @EnvInt(100)
  PAYMENT_TIMEOUT_MS = 20_000;

  /** A cart not touched for this long is forgotten. */
  @EnvInt(60)
  CART_TTL_SECONDS = 7 * 24 * 3600;

  /** How long `POST /api/orders` waits for the saga to finish before answering 202 PENDING. */
  @EnvInt(0)
  ORDER_WAIT_MS = 5_000;

  /** How long a worker owns a saga without renewing it; after that, recovery takes it over. */
  @EnvInt(500)
  SAGA_LEASE_MS = 10_000;

  /** How often the recovery worker looks for sagas whose owner died. */
  @EnvInt(100)
  SAGA_RECOVERY_INTERVAL_MS = 1_000;

  /** Transient step failures are retried after a capped exponential backoff with full jitter. */
  @EnvInt(1)
  SAGA_RETRY_BASE_MS = 100;

  @EnvInt(10)
  SAGA_RETRY_MAX_MS = 5_000;

  /**
   * How long a charge whose outcome stays unknown (the payment service down) is retried before
   * the checkout gives up: its compensation then refunds whatever the charge may have taken.
   */
  @EnvInt(1_000)
  SAGA_PAYMENT_DEADLINE_MS = 120_000;

  /**
   * Fault injection for crash tests: after the saga step of this name was persisted, pause
   * `FAULT_PAUSE_MS`, so the process can be killed exactly there. Never set in production.
   */
  @IsOptional()
  @IsIn(SAGA_STEPS)
  FAULT_PAUSE_AFTER_STEP?: SagaStepName;

  @EnvInt(0)
  FAULT_PAUSE_MS = 0;
}
