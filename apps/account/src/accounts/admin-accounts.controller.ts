import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles, type AuthenticatedUser } from '@bankshop/auth';
import { ApiAdmin, ApiItemsResponse, ApiPageResponse, ApiProblems, PageQuery, UuidPipe, type Page } from '@bankshop/platform';
import { AccountsService } from './accounts.service.ts';
import { AccountView } from './dto/account.view.ts';
import { FreezeAccountDto } from './dto/freeze-account.dto.ts';
import { CurrencyTotalsView } from './dto/ledger.view.ts';

/** Administration of every account: freezing, listing, bank-wide totals. */
@ApiTags('Admin')
@ApiAdmin()
@Roles('admin')
@Controller('api/admin/accounts')
export class AdminAccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @ApiOperation({ summary: 'All accounts' })
  @ApiPageResponse(AccountView, 'Accounts of every customer, newest first.')
  @ApiProblems('VALIDATION_FAILED')
  list(@Query() page: PageQuery): Promise<Page<AccountView>> {
    return this.accounts.listAll(page);
  }

  @Get('totals')
  @ApiOperation({
    summary: 'Bank-wide totals per currency',
    description: 'Read in one database snapshot: per currency, `balance == deposits - withdrawals`.',
  })
  @ApiItemsResponse(CurrencyTotalsView, 'One entry per currency held by any account.')
  totals(): Promise<{ items: CurrencyTotalsView[] }> {
    return this.accounts.totals();
  }

  @Post(':id/freeze')
  @HttpCode(200)
  @ApiOperation({ summary: 'Freeze an account', description: 'A frozen account moves no money. Freezing twice changes nothing.' })
  @ApiOkResponse({ type: AccountView, description: 'The account, `FROZEN`.' })
  @ApiProblems('VALIDATION_FAILED', 'ACCOUNT_NOT_FOUND')
  freeze(
    @CurrentUser() admin: AuthenticatedUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: FreezeAccountDto,
  ): Promise<AccountView> {
    return this.accounts.freeze(admin, id, body.reason);
  }

  @Post(':id/unfreeze')
  @HttpCode(200)
  @ApiOperation({ summary: 'Unfreeze an account' })
  @ApiOkResponse({ type: AccountView, description: 'The account, `ACTIVE`.' })
  @ApiProblems('VALIDATION_FAILED', 'ACCOUNT_NOT_FOUND')
  unfreeze(@CurrentUser() admin: AuthenticatedUser, @Param('id', UuidPipe) id: string): Promise<AccountView> {
    return this.accounts.unfreeze(admin, id);
  }
}
