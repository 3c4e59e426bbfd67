import { Module } from '@nestjs/common';
import { PlatformModule } from '@bankshop/platform';
import { InventoryConfig } from './config/inventory.config.ts';
import { MIGRATIONS } from './persistence/migrations.ts';
import { ProductRecord } from './products/persistence/product.record.ts';
import { ProductsModule } from './products/products.module.ts';
import { ReservationRecord } from './reservations/persistence/reservation.record.ts';

/** The inventory service: products, stock and reservations. */
@Module({
  imports: [
    PlatformModule.forRoot({
      serviceName: 'inventory',
      config: InventoryConfig,
      entities: [ProductRecord, ReservationRecord],
      migrations: MIGRATIONS,
    }),
    ProductsModule,
  ],
})
export class AppModule {}
