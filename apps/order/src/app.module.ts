import { Module } from '@nestjs/common';
import { PlatformModule } from '@bankshop/platform';
import { OrderConfig } from './config/order.config.ts';
import { MIGRATIONS } from './persistence/migrations.ts';

/** The order service: orders, carts and the checkout saga. */
@Module({
  imports: [PlatformModule.forRoot({ serviceName: 'order', config: OrderConfig, entities: [], migrations: MIGRATIONS })],
})
export class AppModule {}
