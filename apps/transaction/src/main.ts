import { bootstrap } from '@bankshop/platform';
import { AppModule } from './app.module.ts';
import { TransactionConfig } from './config/transaction.config.ts';

await bootstrap(AppModule, {
  serviceName: 'transaction',
  config: TransactionConfig,
  kafkaConsumerGroup: 'transaction',
  openApi: { title: 'Bankshop transaction service', description: 'Transfers between accounts.' },
});
