import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentUser, Roles, type AuthenticatedUser } from '@bankshop/auth';
import { PageQuery, UuidPipe, type Page } from '@bankshop/platform';
import { AccountsService } from './accounts.service.ts';
import type { AccountView } from './dto/account.view.ts';
import { FreezeAccountDto } from './dto/freeze-account.dto.ts';
import type { CurrencyTotalsView } from './dto/ledger.view.ts';

/** Administration of every account: freezing, listing, bank-wide totals. */
@Roles('admin')
@Controller('api/admin/accounts')
export class AdminAccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  list(@Query() page: PageQuery): Promise<Page<AccountView>> {
    return this.accounts.listAll(page);
  }

  @Get('totals')
  totals(): Promise<{ items: CurrencyTotalsView[] }> {
    return this.accounts.totals();
  }

  @Post(':id/freeze')
  @HttpCode(200)
  freeze(
    @CurrentUser() admin: AuthenticatedUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: FreezeAccountDto,
  ): Promise<AccountView> {
    return this.accounts.freeze(admin, id, body.reason);
  }

  @Post(':id/unfreeze')
  @HttpCode(200)
  unfreeze(@CurrentUser() admin: AuthenticatedUser, @Param('id', UuidPipe) id: string): Promise<AccountView> {
    return this.accounts.unfreeze(admin, id);
  }
}
