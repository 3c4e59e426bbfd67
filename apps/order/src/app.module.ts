import { Module } from '@nestjs/common';
import { PlatformModule } from '@bankshop/platform';
import { OrderConfig } from './config/order.config.ts';
import { OrdersModule } from './orders/orders.module.ts';
import { OrderRecord } from './orders/persistence/order.record.ts';
import { SagaRecord } from './orders/persistence/saga.record.ts';
import { MIGRATIONS } from './persistence/migrations.ts';

/** The order service: carts, orders and the checkout saga. */
@Module({
  imports: [
    PlatformModule.forRoot({ serviceName: 'order', config: OrderConfig, entities: [OrderRecord, SagaRecord], migrations: MIGRATIONS }),
    OrdersModule,
  ],
})
export class AppModule {}
