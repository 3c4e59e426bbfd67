import { Module } from '@nestjs/common';
import { PlatformModule } from '@bankshop/platform';
import { PaymentConfig } from './config/payment.config.ts';
import { MIGRATIONS } from './persistence/migrations.ts';

/** The payment service: payments, refunds and provider calls. */
@Module({
  imports: [PlatformModule.forRoot({ serviceName: 'payment', config: PaymentConfig, entities: [], migrations: MIGRATIONS })],
})
export class AppModule {}
