import { Body, Controller, Get, Headers, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '@bankshop/auth';
import { ApiAuth, ApiPageResponse, ApiProblems, Idempotent, UuidPipe, type Page } from '@bankshop/platform';
import { CreateTransferDto } from './dto/create-transfer.dto.ts';
import { ListTransfersQuery } from './dto/list-transfers.query.ts';
import { TransferView } from './dto/transfer.view.ts';
import { TransfersService } from './transfers.service.ts';
import { TransferCoordinator } from './use-cases/execute-transfer/transfer-coordinator.ts';

/** Transfers between accounts (API.md "Banking"). */
@ApiTags('Transfers')
@ApiAuth()
@Controller('api/transfers')
export class TransfersController {
  constructor(
    private readonly coordinator: TransferCoordinator,
    private readonly transfers: TransfersService,
  ) {}

  @Post()
  @Idempotent()
  @ApiOperation({
    summary: 'Transfer money',
    description:
      'From one of your accounts to any account in the same currency, after a risk check. A refusal after the ' +
      'transfer record was written carries its `transferId` in the problem. If the risk service cannot answer, ' +
      'no money moves (503, status `FAILED`).',
  })
  @ApiCreatedResponse({ type: TransferView, description: 'The transfer, `COMPLETED`.' })
  @ApiProblems(
    'ACCOUNT_NOT_FOUND',
    'ACCOUNT_FROZEN',
    'INSUFFICIENT_FUNDS',
    'SAME_ACCOUNT',
    'CURRENCY_MISMATCH',
    'RISK_REJECTED',
    'UPSTREAM_UNAVAILABLE',
  )
  create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: CreateTransferDto,
    @Headers('idempotency-key') key: string,
  ): Promise<TransferView> {
    return this.coordinator.execute(user, body, key);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One transfer', description: 'Visible to the owners of either account, and to administrators.' })
  @ApiOkResponse({ type: TransferView })
  @ApiProblems('VALIDATION_FAILED', 'TRANSFER_NOT_FOUND')
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', UuidPipe) id: string): Promise<TransferView> {
    return this.transfers.get(user, id);
  }

  @Get()
  @ApiOperation({ summary: 'Transfers', description: 'Those from or to your accounts (all of them for administrators).' })
  @ApiPageResponse(TransferView, 'Transfers, newest first.')
  @ApiProblems('VALIDATION_FAILED')
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListTransfersQuery): Promise<Page<TransferView>> {
    return this.transfers.list(user, query);
  }
}
