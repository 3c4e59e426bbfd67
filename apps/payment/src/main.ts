import { bootstrap } from '@bankshop/platform';
import { AppModule } from './app.module.ts';
import { PaymentConfig } from './config/payment.config.ts';

await bootstrap(AppModule, {
  serviceName: 'payment',
  config: PaymentConfig,
  openApi: { title: 'Bankshop payment service', description: 'Payments of orders, by card or by bank transfer.' },
});
