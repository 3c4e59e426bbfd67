import { bootstrap } from '@bankshop/platform';
import { AppModule } from './app.module.ts';
import { RiskConfig } from './config/risk.config.ts';

await bootstrap(AppModule, { serviceName: 'risk', config: RiskConfig });
