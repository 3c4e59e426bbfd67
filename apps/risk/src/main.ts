import { bootstrap } from '@bankshop/platform';
import { AppModule } from './app.module.ts';
import { RiskConfig } from './config/risk.config.ts';

// The consumer group (`risk`) reads `transfer.events` into the account profiles.
await bootstrap(AppModule, {
  serviceName: 'risk',
  config: RiskConfig,
  kafkaConsumerGroup: 'risk',
  openApi: { title: 'Bankshop risk service', description: 'The risk assessments of transfers, for administrators.' },
});
