import { ServiceConfig } from '@bankshop/platform';

/** Environment of the transaction service; see `ServiceConfig` for the variables every service shares. */
export class TransactionConfig extends ServiceConfig {
  override PORT = 3002;
}
