import { Module } from '@nestjs/common';
import { PlatformModule } from '@bankshop/platform';
import { TransactionConfig } from './config/transaction.config.ts';
import { MIGRATIONS } from './persistence/migrations.ts';
import { TransferRecord } from './transfers/persistence/transfer.record.ts';
import { TransfersModule } from './transfers/transfers.module.ts';

/** The transaction service: transfers, their idempotency keys, and (later) the audit trail. */
@Module({
  imports: [
    PlatformModule.forRoot({
      serviceName: 'transaction',
      config: TransactionConfig,
      entities: [TransferRecord],
      migrations: MIGRATIONS,
    }),
    TransfersModule,
  ],
})
export class AppModule {}
