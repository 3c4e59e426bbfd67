import { ServiceConfig } from '@bankshop/platform';

/** Environment of the payment service; see `ServiceConfig` for the variables every service shares. */
export class PaymentConfig extends ServiceConfig {
  override PORT = 3006;
}
