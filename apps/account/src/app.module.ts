import { Module } from '@nestjs/common';
import { PlatformModule } from '@bankshop/platform';
import { AccountConfig } from './config/account.config.ts';
import { MIGRATIONS } from './persistence/migrations.ts';

/** The account service: accounts, holds and the ledger. */
@Module({
  imports: [PlatformModule.forRoot({ serviceName: 'account', config: AccountConfig, entities: [], migrations: MIGRATIONS })],
})
export class AppModule {}
