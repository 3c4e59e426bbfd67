import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { AccountFacts } from '@bankshop/contracts';
import { Internal } from '@bankshop/auth';
import { UuidPipe } from '@bankshop/platform';
import { AccountsService } from './accounts.service.ts';
import { SystemAccountDto } from './dto/system-account.dto.ts';

/**
 * What other services may ask about an account (owner, currency, status, age), and the accounts
 * of system owners: the shop's merchant account, which the payment service finds or opens here.
 */
@Internal()
@Controller('internal/accounts')
export class InternalAccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get(':id')
  facts(@Param('id', UuidPipe) id: string): Promise<AccountFacts> {
    return this.accounts.facts(id);
  }

  /** Finds, or opens on first use, the one account `ownerId` keeps in `currency`. */
  @Post()
  @HttpCode(200)
  systemAccount(@Body() body: SystemAccountDto): Promise<AccountFacts> {
    return this.accounts.systemAccount(body.ownerId, body.currency);
  }
}
