import { Module } from '@nestjs/common';
import { PlatformModule } from '@bankshop/platform';
import { ComplianceModule } from './compliance/compliance.module.ts';
import { TransactionConfig } from './config/transaction.config.ts';
import { MIGRATIONS } from './persistence/migrations.ts';
import { TransferRecord } from './transfers/persistence/transfer.record.ts';
import { TransfersModule } from './transfers/transfers.module.ts';

/** The transaction service: transfers, the audit trail of the whole system, reconciliation. */
@Module({
  imports: [
    PlatformModule.forRoot({
      serviceName: 'transaction',
      config: TransactionConfig,
      entities: [TransferRecord],
      migrations: MIGRATIONS,
    }),
    TransfersModule,
    ComplianceModule,
  ],
})
export class AppModule {}
