import { Module } from '@nestjs/common';
import { PlatformModule } from '@bankshop/platform';
import { RiskConfig } from './config/risk.config.ts';
import { MIGRATIONS } from './persistence/migrations.ts';

/** The risk service: risk rules and assessments. */
@Module({
  imports: [PlatformModule.forRoot({ serviceName: 'risk', config: RiskConfig, entities: [], migrations: MIGRATIONS })],
})
export class AppModule {}
