import { bootstrap } from '@bankshop/platform';
import { AppModule } from './app.module.ts';
import { InventoryConfig } from './config/inventory.config.ts';

await bootstrap(AppModule, {
  serviceName: 'inventory',
  config: InventoryConfig,
  openApi: { title: 'Bankshop inventory service', description: 'The product catalogue and its stock.' },
});
