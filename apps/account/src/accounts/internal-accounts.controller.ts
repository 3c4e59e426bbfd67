import { Controller, Get, Param } from '@nestjs/common';
import type { AccountFacts } from '@bankshop/contracts';
import { Internal } from '@bankshop/auth';
import { UuidPipe } from '@bankshop/platform';
import { AccountsService } from './accounts.service.ts';

/** What other services may ask about an account: owner, currency, status, age. */
@Internal()
@Controller('internal/accounts')
export class InternalAccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get(':id')
  facts(@Param('id', UuidPipe) id: string): Promise<AccountFacts> {
    return this.accounts.facts(id);
  }
}
