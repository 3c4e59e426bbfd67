import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PaymentConfig } from '../../../config/payment.config.ts';
import { PaymentStore } from '../../persistence/payment.store.ts';
import { PaymentCoordinator } from './payment-coordinator.ts';

/**
 * The recovery sweeper. A payment left unsettled with its lease run out was abandoned: its
 * request crashed, or gave up because the provider or the bank could not be reached. The sweeper
 * takes the lease over and finishes it: it learns the outcome of the charge (charging it, once,
 * if it never was) or makes the refund that was asked for. It works from the database alone, so
 * it finishes the payments of any replica, including one that died.
 */
@Injectable()
export class PaymentRecoveryJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(PaymentRecoveryJob.name);
  private running = false;

  constructor(
    private readonly store: PaymentStore,
    private readonly coordinator: PaymentCoordinator,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: PaymentConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.addInterval('payment-recovery', setInterval(() => void this.run(), this.config.RECOVERY_INTERVAL_MS));
  }

  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const id of await this.store.abandoned(20)) {
        const payment = await this.coordinator.recover(id).catch((error: unknown) => {
          this.logger.warn({ err: error, paymentId: id }, 'could not recover the payment yet; will retry');
          return null;
        });
        if (payment && !payment.isUnsettled) this.logger.log({ paymentId: id, status: payment.status }, 'recovered payment');
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'payment recovery sweep failed; will retry');
    } finally {
      this.running = false;
    }
  }
}
