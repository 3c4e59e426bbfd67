import { Module } from '@nestjs/common';
import { IdempotencyModule } from '@bankshop/platform';
import { CartController } from '../cart/cart.controller.ts';
import { CartService } from '../cart/cart.service.ts';
import { CartStore } from '../cart/cart.store.ts';
import { InventoryClient } from '../upstream/inventory.client.ts';
import { PaymentClient } from '../upstream/payment.client.ts';
import { OrdersController } from './orders.controller.ts';
import { OrdersService } from './orders.service.ts';
import { SagaStore } from './persistence/saga.store.ts';
import { CheckoutSagaRunner } from './saga/checkout-saga.runner.ts';
import { SagaRecoveryJob } from './saga/saga-recovery.job.ts';

@Module({
  imports: [IdempotencyModule],
  controllers: [OrdersController, CartController],
  providers: [OrdersService, SagaStore, CheckoutSagaRunner, SagaRecoveryJob, CartService, CartStore, InventoryClient, PaymentClient],
})
export class OrdersModule {}
