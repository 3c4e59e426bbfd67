import { Module } from '@nestjs/common';
import { PlatformModule } from '@bankshop/platform';
import { GatewayConfig } from './config/gateway.config.ts';
import { GatewayModule } from './gateway.module.ts';
import { MIGRATIONS } from './persistence/migrations.ts';
import { UserRecord } from './users/persistence/user.record.ts';

/** The gateway: the only public entry. Users and tokens, routing, rate limits, breakers. */
@Module({
  imports: [
    PlatformModule.forRoot({ serviceName: 'gateway', config: GatewayConfig, entities: [UserRecord], migrations: MIGRATIONS }),
    GatewayModule,
  ],
})
export class AppModule {}
