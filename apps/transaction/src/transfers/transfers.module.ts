import { Module } from '@nestjs/common';
import { IdempotencyModule } from '@bankshop/platform';
import { AccountClient } from '../upstream/account.client.ts';
import { RiskClient } from '../upstream/risk.client.ts';
import { TransferStore } from './persistence/transfer.store.ts';
import { InternalTransfersController } from './internal-transfers.controller.ts';
import { TransfersController } from './transfers.controller.ts';
import { TransfersService } from './transfers.service.ts';
import { TransferCoordinator } from './use-cases/execute-transfer/transfer-coordinator.ts';
import { TransferRecoveryJob } from './use-cases/execute-transfer/transfer-recovery.job.ts';

@Module({
  imports: [IdempotencyModule],
  controllers: [TransfersController, InternalTransfersController],
  providers: [TransferCoordinator, TransferRecoveryJob, TransfersService, TransferStore, AccountClient, RiskClient],
})
export class TransfersModule {}
