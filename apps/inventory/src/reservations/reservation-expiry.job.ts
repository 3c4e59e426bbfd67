import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InventoryConfig } from '../config/inventory.config.ts';
import { ReservationsService } from './reservations.service.ts';

/**
 * Puts back on sale the units of reservations nobody confirmed in time (a checkout that died).
 * Safe on every replica at once: each release is a compare-and-set on the reservation's status.
 */
@Injectable()
export class ReservationExpiryJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReservationExpiryJob.name);
  private running = false;

  constructor(
    private readonly reservations: ReservationsService,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: InventoryConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.addInterval('reservation-expiry', setInterval(() => void this.run(), this.config.RESERVATION_EXPIRY_INTERVAL_MS));
  }

  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const expired = await this.reservations.expireDue(100);
      if (expired > 0) this.logger.log({ expired }, 'released expired reservations');
    } catch (error) {
      this.logger.warn({ err: error }, 'reservation expiry failed; will retry');
    } finally {
      this.running = false;
    }
  }
}
