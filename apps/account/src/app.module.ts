import { Module } from '@nestjs/common';
import { PlatformModule } from '@bankshop/platform';
import { AccountsModule } from './accounts/accounts.module.ts';
import { AccountRecord } from './accounts/persistence/account.record.ts';
import { LedgerEntryRecord } from './accounts/persistence/ledger-entry.record.ts';
import { AccountConfig } from './config/account.config.ts';
import { HoldRecord } from './holds/hold.record.ts';
import { MIGRATIONS } from './persistence/migrations.ts';
import { ReconciliationDataModule } from './reconciliation/reconciliation-data.module.ts';

/** The account service: accounts, holds and the ledger. */
@Module({
  imports: [
    PlatformModule.forRoot({
      serviceName: 'account',
      config: AccountConfig,
      entities: [AccountRecord, LedgerEntryRecord, HoldRecord],
      migrations: MIGRATIONS,
    }),
    AccountsModule,
    ReconciliationDataModule,
  ],
})
export class AppModule {}
