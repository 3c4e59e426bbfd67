import { Module } from '@nestjs/common';
import { PlatformModule } from '@bankshop/platform';
import { CardProviderSimulatorModule } from './card-provider-simulator/card-provider-simulator.module.ts';
import { SimulatedChargeRecord } from './card-provider-simulator/persistence/simulated-charge.record.ts';
import { PaymentConfig } from './config/payment.config.ts';
import { MIGRATIONS } from './persistence/migrations.ts';
import { PaymentRecord } from './payments/persistence/payment.record.ts';
import { PaymentsModule } from './payments/payments.module.ts';

/** The payment service: payments, refunds and provider calls, and a simulated card provider. */
@Module({
  imports: [
    PlatformModule.forRoot({
      serviceName: 'payment',
      config: PaymentConfig,
      entities: [PaymentRecord, SimulatedChargeRecord],
      migrations: MIGRATIONS,
    }),
    PaymentsModule,
    CardProviderSimulatorModule,
  ],
})
export class AppModule {}
