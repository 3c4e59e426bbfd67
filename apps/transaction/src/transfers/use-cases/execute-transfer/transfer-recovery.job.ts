import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { TransactionConfig } from '../../../config/transaction.config.ts';
import { TransferStore } from '../../persistence/transfer.store.ts';
import { TransferCoordinator } from './transfer-coordinator.ts';

/**
 * The recovery sweeper. A transfer whose lease ran out was abandoned: its request crashed, or
 * gave up during an outage. The sweeper takes the lease over and finishes it from its persisted
 * step: forward once the decision to commit was recorded, back before that. It works from the
 * database alone, so it finishes the transfers of any replica, including one that died.
 */
@Injectable()
export class TransferRecoveryJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(TransferRecoveryJob.name);
  private running = false;

  constructor(
    private readonly store: TransferStore,
    private readonly coordinator: TransferCoordinator,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: TransactionConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.addInterval('transfer-recovery', setInterval(() => void this.run(), this.config.RECOVERY_INTERVAL_MS));
  }

  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const id of await this.store.abandoned(20)) {
        const transfer = await this.coordinator.recover(id).catch((error: unknown) => {
          this.logger.warn({ err: error, transferId: id }, 'could not recover the transfer yet; will retry');
          return undefined;
        });
        if (transfer?.isTerminal) this.logger.log({ transferId: id, status: transfer.status }, 'recovered transfer');
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'recovery sweep failed; will retry');
    } finally {
      this.running = false;
    }
  }
}
