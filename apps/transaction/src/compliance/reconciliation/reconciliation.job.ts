import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { TransactionConfig } from '../../config/transaction.config.ts';
import { ReconciliationService } from './reconciliation.service.ts';

/**
 * The daily run (RECONCILIATION_CRON, UTC). Every replica schedules it; the run is read-only and
 * its report is stored, so an occasional second run costs time, not correctness.
 */
@Injectable()
export class ReconciliationJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReconciliationJob.name);

  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: TransactionConfig,
  ) {}

  onApplicationBootstrap(): void {
    const job = CronJob.from({
      cronTime: this.config.RECONCILIATION_CRON,
      timeZone: 'UTC',
      onTick: () =>
        void this.reconciliation.run('schedule').catch((error: unknown) => this.logger.error({ err: error }, 'scheduled reconciliation failed')),
    });
    this.scheduler.addCronJob('daily-reconciliation', job);
    job.start();
  }
}
