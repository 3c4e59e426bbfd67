import { Body, Controller, Get, Headers, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '@bankshop/auth';
import { Money } from '@bankshop/money';
import {
  ApiAuth,
  ApiItemsResponse,
  ApiPageResponse,
  ApiProblems,
  Idempotent,
  PageQuery,
  UuidPipe,
  type Page,
} from '@bankshop/platform';
import { AccountsService } from './accounts.service.ts';
import { AccountView } from './dto/account.view.ts';
import { CashMovementView, DepositDto, WithdrawalDto } from './dto/cash.dto.ts';
import { LedgerEntryView } from './dto/ledger.view.ts';
import { OpenAccountDto } from './dto/open-account.dto.ts';

/** A customer's own accounts (API.md "Banking"). Someone else's account answers 404. */
@ApiTags('Accounts')
@ApiAuth()
@Controller('api/accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @ApiOperation({ summary: 'Open an account' })
  @ApiCreatedResponse({ type: AccountView, description: 'The new account: active, with a zero balance.' })
  @ApiProblems('VALIDATION_FAILED')
  open(@CurrentUser() user: AuthenticatedUser, @Body() body: OpenAccountDto): Promise<AccountView> {
    return this.accounts.open(user, body.currency);
  }

  @Get()
  @ApiOperation({ summary: "The caller's accounts" })
  @ApiItemsResponse(AccountView, 'Every account of the caller, newest first.')
  list(@CurrentUser() user: AuthenticatedUser): Promise<{ items: AccountView[] }> {
    return this.accounts.listOwn(user);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One account', description: "Someone else's account answers 404, exactly as a missing one." })
  @ApiOkResponse({ type: AccountView })
  @ApiProblems('VALIDATION_FAILED', 'ACCOUNT_NOT_FOUND')
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', UuidPipe) id: string): Promise<AccountView> {
    return this.accounts.get(user, id);
  }

  @Post(':id/deposits')
  @Idempotent()
  @ApiOperation({ summary: 'Deposit money', description: 'At most 1000000.00 at once.' })
  @ApiCreatedResponse({ type: CashMovementView, description: 'The ledger entry written and the new balance.' })
  @ApiProblems('ACCOUNT_NOT_FOUND', 'ACCOUNT_FROZEN')
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
  @ApiOperation({ summary: 'Withdraw money', description: 'Up to the available balance.' })
  @ApiCreatedResponse({ type: CashMovementView, description: 'The ledger entry written and the new balance.' })
  @ApiProblems('ACCOUNT_NOT_FOUND', 'ACCOUNT_FROZEN', 'INSUFFICIENT_FUNDS')
  withdraw(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: WithdrawalDto,
    @Headers('idempotency-key') key: string,
  ): Promise<CashMovementView> {
    return this.accounts.withdraw(user, id, Money.parse(body.amount), key);
  }

  @Get(':id/ledger')
  @ApiOperation({ summary: "An account's ledger", description: 'For every account, `balance` equals the sum of its entries.' })
  @ApiPageResponse(LedgerEntryView, 'Entries, newest first.')
  @ApiProblems('VALIDATION_FAILED', 'ACCOUNT_NOT_FOUND')
  ledger(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', UuidPipe) id: string,
    @Query() page: PageQuery,
  ): Promise<Page<LedgerEntryView>> {
    return this.accounts.ledger(user, id, page);
  }
}
