import { Module } from '@nestjs/common';
import { IdempotencyModule } from '@bankshop/platform';
import { AccountCache } from '../cache/account-cache.ts';
import { HoldExpiryJob } from '../holds/hold-expiry.job.ts';
import { HoldsController } from '../holds/holds.controller.ts';
import { HoldsService } from '../holds/holds.service.ts';
import { AccountWriter } from './account-writer.ts';
import { AccountsController } from './accounts.controller.ts';
import { AccountsService } from './accounts.service.ts';
import { AdminAccountsController } from './admin-accounts.controller.ts';
import { InternalAccountsController } from './internal-accounts.controller.ts';
import { AccountStore } from './persistence/account.store.ts';

@Module({
  imports: [IdempotencyModule],
  controllers: [AccountsController, AdminAccountsController, InternalAccountsController, HoldsController],
  providers: [AccountsService, HoldsService, AccountWriter, AccountStore, AccountCache, HoldExpiryJob],
})
export class AccountsModule {}
