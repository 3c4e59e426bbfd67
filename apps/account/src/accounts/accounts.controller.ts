import { Body, Controller, Get, Headers, Param, Post, Query } from '@nestjs/common';
import { CurrentUser, type AuthenticatedUser } from '@bankshop/auth';
import { Money } from '@bankshop/money';
import { Idempotent, PageQuery, UuidPipe, type Page } from '@bankshop/platform';
import { AccountsService } from './accounts.service.ts';
import type { AccountView } from './dto/account.view.ts';
import { DepositDto, WithdrawalDto, type CashMovementView } from './dto/cash.dto.ts';
import type { LedgerEntryView } from './dto/ledger.view.ts';
import { OpenAccountDto } from './dto/open-account.dto.ts';

/** A customer's own accounts (API.md "Banking"). Someone else's account answers 404. */
@Controller('api/accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  open(@CurrentUser() user: AuthenticatedUser, @Body() body: OpenAccountDto): Promise<AccountView> {
    return this.accounts.open(user, body.currency);
  }

  @Get()
  list(@CurrentUser() user: AuthenticatedUser): Promise<{ items: AccountView[] }> {
    return this.accounts.listOwn(user);
  }

  @Get(':id')
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', UuidPipe) id: string): Promise<AccountView> {
    return this.accounts.get(user, id);
  }

  @Post(':id/deposits')
  @Idempotent()
  deposit(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: DepositDto,
    @Headers('idempotency-key') key: string,
  ): Promise<CashMovementView> {
    return this.accounts.deposit(user, id, Money.parse(body.amount), key);
  }

  @Post(':id/withdrawals')
  @Idempotent()
  withdraw(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: WithdrawalDto,
    @Headers('idempotency-key') key: string,
  ): Promise<CashMovementView> {
    return this.accounts.withdraw(user, id, Money.parse(body.amount), key);
  }

  @Get(':id/ledger')
  ledger(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', UuidPipe) id: string,
    @Query() page: PageQuery,
  ): Promise<Page<LedgerEntryView>> {
    return this.accounts.ledger(user, id, page);
  }
}
