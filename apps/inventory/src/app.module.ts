import { Module } from '@nestjs/common';
import { PlatformModule } from '@bankshop/platform';
import { InventoryConfig } from './config/inventory.config.ts';
import { MIGRATIONS } from './persistence/migrations.ts';

/** The inventory service: products, stock and reservations. */
@Module({
  imports: [PlatformModule.forRoot({ serviceName: 'inventory', config: InventoryConfig, entities: [], migrations: MIGRATIONS })],
})
export class AppModule {}
