import { ServiceConfig } from '@bankshop/platform';

/** Environment of the account service; see `ServiceConfig` for the variables every service shares. */
export class AccountConfig extends ServiceConfig {
  override PORT = 3001;
}
