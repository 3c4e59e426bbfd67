import { IsDefined, IsString } from 'class-validator';
import { EnvInt, IsUrlWithProtocol, ServiceConfig } from '@bankshop/platform';

/** Environment of the transaction service; see `ServiceConfig` for the variables every service shares. */
export class TransactionConfig extends ServiceConfig {
  override PORT = 3002;

  @IsDefined({ message: 'is required' })
  @IsUrlWithProtocol(['http:', 'https:'])
  ACCOUNT_SERVICE_URL!: string;

  @IsDefined({ message: 'is required' })
  @IsUrlWithProtocol(['http:', 'https:'])
  RISK_SERVICE_URL!: string;

  /** Per attempt, for calls to the account and risk services. */
  @EnvInt(50)
  UPSTREAM_TIMEOUT_MS = 2_000;

  /** How long a request owns a transfer in flight before the recovery sweeper may take it over. */
  @EnvInt(1_000)
  TRANSFER_LEASE_MS = 30_000;

  /** How often the recovery sweeper looks for abandoned transfers. */
  @EnvInt(100)
  RECOVERY_INTERVAL_MS = 2_000;

  /** When the daily reconciliation runs (cron syntax, UTC). */
  @IsString()
  RECONCILIATION_CRON = '0 3 * * *';

  /**
   * A reconciliation report lists at most this many discrepancies and counts all of them
   * (`discrepancyCount`): a badly broken book must not make the report, its row and the service's
   * memory as big as the book.
   */
  @EnvInt(1, 10_000)
  RECONCILIATION_MAX_LISTED_DISCREPANCIES = 500;

  /**
   * Fault injection for demos and crash tests: pause this long between prepare and commit, so a
   * service can be killed exactly there. Always 0 in production.
   */
  @EnvInt(0)
  FAULT_PAUSE_BEFORE_COMMIT_MS = 0;
}
