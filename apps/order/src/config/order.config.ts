import { ServiceConfig } from '@bankshop/platform';

/** Environment of the order service; see `ServiceConfig` for the variables every service shares. */
export class OrderConfig extends ServiceConfig {
  override PORT = 3004;
}
