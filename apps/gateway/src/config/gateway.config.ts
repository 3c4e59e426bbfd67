import { ServiceConfig } from '@bankshop/platform';

/** Environment of the gateway service; see `ServiceConfig` for the variables every service shares. */
export class GatewayConfig extends ServiceConfig {
  override PORT = 3000;
}
