import { Module } from '@nestjs/common';
import { PlatformModule } from '@bankshop/platform';
import { GatewayConfig } from './config/gateway.config.ts';
import { MIGRATIONS } from './persistence/migrations.ts';

/** The gateway service: the only public entry: users and tokens, routing, rate limiting, circuit breakers. */
@Module({
  imports: [PlatformModule.forRoot({ serviceName: 'gateway', config: GatewayConfig, entities: [], migrations: MIGRATIONS })],
})
export class AppModule {}
