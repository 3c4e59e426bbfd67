import { ServiceConfig } from '@bankshop/platform';

/** Environment of the risk service; see `ServiceConfig` for the variables every service shares. */
export class RiskConfig extends ServiceConfig {
  override PORT = 3003;
}
