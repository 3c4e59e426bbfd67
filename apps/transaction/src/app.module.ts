import { Module } from '@nestjs/common';
import { PlatformModule } from '@bankshop/platform';
import { TransactionConfig } from './config/transaction.config.ts';
import { MIGRATIONS } from './persistence/migrations.ts';

/** The transaction service: transfers, idempotency keys, the audit trail and reconciliation. */
@Module({
  imports: [PlatformModule.forRoot({ serviceName: 'transaction', config: TransactionConfig, entities: [], migrations: MIGRATIONS })],
})
export class AppModule {}
