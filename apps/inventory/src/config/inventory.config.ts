import { ServiceConfig } from '@bankshop/platform';

/** Environment of the inventory service; see `ServiceConfig` for the variables every service shares. */
export class InventoryConfig extends ServiceConfig {
  override PORT = 3005;
}
