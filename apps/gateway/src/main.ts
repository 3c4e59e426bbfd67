import { bootstrap } from '@bankshop/platform';
import { AppModule } from './app.module.ts';
import { GatewayConfig } from './config/gateway.config.ts';
import { configureGateway } from './edge/configure-gateway.ts';

await bootstrap(AppModule, {
  serviceName: 'gateway',
  config: GatewayConfig,
  adapter: 'fastify',
  configure: configureGateway,
  openApi: { title: 'Bankshop gateway', description: 'Users, access tokens and the health of the system.' },
});
