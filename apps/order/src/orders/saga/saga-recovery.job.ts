import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { OrderConfig } from '../../config/order.config.ts';
import { SagaStore } from '../persistence/saga.store.ts';
import { CheckoutSagaRunner } from './checkout-saga.runner.ts';

/**
 * The recovery worker. A saga whose lease ran out was abandoned: the process driving it died
 * (or lost its database for a while). The worker takes it over and resumes it from its last
 * persisted step. It works from the database alone, so it finishes the sagas of any replica.
 */
@Injectable()
export class SagaRecoveryJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(SagaRecoveryJob.name);
  private running = false;

  constructor(
    private readonly store: SagaStore,
    private readonly runner: CheckoutSagaRunner,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: OrderConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.addInterval('saga-recovery', setInterval(() => void this.run(), this.config.SAGA_RECOVERY_INTERVAL_MS));
  }

  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const abandoned = await this.store.abandoned(20);
      if (abandoned.length > 0) this.logger.warn({ sagas: abandoned.length }, 'resuming abandoned sagas');
      // Not awaited one by one: a saga waiting out a long backoff must not hold up the others.
      for (const sagaId of abandoned) void this.runner.drive(sagaId);
    } catch (error) {
      this.logger.warn({ err: error }, 'saga recovery sweep failed; will retry');
    } finally {
      this.running = false;
    }
  }
}
