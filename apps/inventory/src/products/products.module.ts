import { Module } from '@nestjs/common';
import { ReservationExpiryJob } from '../reservations/reservation-expiry.job.ts';
import { ReservationsController } from '../reservations/reservations.controller.ts';
import { ReservationsService } from '../reservations/reservations.service.ts';
import { AdminProductsController } from './admin-products.controller.ts';
import { ProductCache } from './product-cache.ts';
import { ProductsController } from './products.controller.ts';
import { ProductsService } from './products.service.ts';
import { StockWriter } from './stock-writer.ts';

@Module({
  controllers: [ProductsController, AdminProductsController, ReservationsController],
  providers: [ProductsService, ReservationsService, StockWriter, ProductCache, ReservationExpiryJob],
})
export class ProductsModule {}
