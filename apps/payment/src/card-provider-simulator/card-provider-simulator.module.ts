import { Module } from '@nestjs/common';
import { CardProviderSimulatorController } from './card-provider-simulator.controller.ts';
import { CardProviderSimulatorService } from './card-provider-simulator.service.ts';
import { SimulatorEnabledGuard } from './simulator-enabled.guard.ts';

/** The simulated card provider (see `CardProviderSimulatorService`), served by this service itself. */
@Module({
  controllers: [CardProviderSimulatorController],
  providers: [CardProviderSimulatorService, SimulatorEnabledGuard],
})
export class CardProviderSimulatorModule {}
