import { Body, Controller, Get, Headers, Param, Post, Query } from '@nestjs/common';
import { CurrentUser, type AuthenticatedUser } from '@bankshop/auth';
import { Idempotent, UuidPipe, type Page } from '@bankshop/platform';
import { CreateTransferDto } from './dto/create-transfer.dto.ts';
import { ListTransfersQuery } from './dto/list-transfers.query.ts';
import type { TransferView } from './dto/transfer.view.ts';
import { TransfersService } from './transfers.service.ts';
import { TransferCoordinator } from './use-cases/execute-transfer/transfer-coordinator.ts';

/** Transfers between accounts (API.md "Banking"). */
@Controller('api/transfers')
export class TransfersController {
  constructor(
    private readonly coordinator: TransferCoordinator,
    private readonly transfers: TransfersService,
  ) {}

  @Post()
  @Idempotent()
  create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: CreateTransferDto,
    @Headers('idempotency-key') key: string,
  ): Promise<TransferView> {
    return this.coordinator.execute(user, body, key);
  }

  @Get(':id')
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', UuidPipe) id: string): Promise<TransferView> {
    return this.transfers.get(user, id);
  }

  @Get()
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListTransfersQuery): Promise<Page<TransferView>> {
    return this.transfers.list(user, query);
  }
}
