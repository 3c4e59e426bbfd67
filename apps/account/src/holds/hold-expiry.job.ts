import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AccountConfig } from '../config/account.config.ts';
import { HoldsService } from './holds.service.ts';

/**
 * Releases holds whose time ran out, so that no money stays reserved by a transfer that will
 * never finish (its coordinator crashed, say). Safe on every replica at once: each release is a
 * compare-and-set on the hold's status.
 */
@Injectable()
export class HoldExpiryJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(HoldExpiryJob.name);
  private running = false;

  constructor(
    private readonly holds: HoldsService,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: AccountConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.addInterval('hold-expiry', setInterval(() => void this.run(), this.config.HOLD_EXPIRY_INTERVAL_MS));
  }

  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const expired = await this.holds.expireDue(100);
      if (expired > 0) this.logger.log({ expired }, 'released expired holds');
    } catch (error) {
      this.logger.warn({ err: error }, 'hold expiry failed; will retry');
    } finally {
      this.running = false;
    }
  }
}
