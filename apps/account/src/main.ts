import { bootstrap } from '@bankshop/platform';
import { AppModule } from './app.module.ts';
import { AccountConfig } from './config/account.config.ts';

await bootstrap(AppModule, {
  serviceName: 'account',
  config: AccountConfig,
  openApi: { title: 'Bankshop account service', description: 'Accounts, cash movements, the ledger, and their administration.' },
});
