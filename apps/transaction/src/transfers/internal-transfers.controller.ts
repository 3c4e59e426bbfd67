import { Body, Controller, Headers, Post } from '@nestjs/common';
import { Internal } from '@bankshop/auth';
import { Idempotent } from '@bankshop/platform';
import { InternalTransferDto } from './dto/internal-transfer.dto.ts';
import type { TransferView } from './dto/transfer.view.ts';
import { TransferCoordinator } from './use-cases/execute-transfer/transfer-coordinator.ts';

/**
 * Transfers made by other services on behalf of a user: the payment service pays by bank (and
 * refunds) through here. The same coordinator, risk check and idempotency as `POST /api/transfers`;
 * only the caller is a service, naming the user it acts for, who must own the source account.
 */
@Internal()
@Controller('internal/transfers')
export class InternalTransfersController {
  constructor(private readonly coordinator: TransferCoordinator) {}

  @Post()
  @Idempotent()
  create(@Body() body: InternalTransferDto, @Headers('idempotency-key') key: string): Promise<TransferView> {
    const { initiatedBy, ...command } = body;
    return this.coordinator.execute({ id: initiatedBy, email: undefined, roles: ['customer'] }, command, key);
  }
}
