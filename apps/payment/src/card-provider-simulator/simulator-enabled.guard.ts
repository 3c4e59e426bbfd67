import { Injectable, NotFoundException, type CanActivate } from '@nestjs/common';
import { PaymentConfig } from '../config/payment.config.ts';

/**
 * With `CARD_PROVIDER_SIMULATOR_ENABLED=false` the simulator's routes answer exactly like routes
 * that do not exist (404), as when a real provider is configured.
 */
@Injectable()
export class SimulatorEnabledGuard implements CanActivate {
  constructor(private readonly config: PaymentConfig) {}

  canActivate(): boolean {
    if (!this.config.CARD_PROVIDER_SIMULATOR_ENABLED) throw new NotFoundException();
    return true;
  }
}
