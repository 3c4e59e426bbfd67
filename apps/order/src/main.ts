import { bootstrap } from '@bankshop/platform';
import { AppModule } from './app.module.ts';
import { OrderConfig } from './config/order.config.ts';

await bootstrap(AppModule, {
  serviceName: 'order',
  config: OrderConfig,
  openApi: { title: 'Bankshop order service', description: 'Carts, orders and the checkout saga.' },
});
