import { Module } from '@nestjs/common';
import { PlatformModule } from '@bankshop/platform';
import { AssessmentsModule } from './assessments/assessments.module.ts';
import { Assessment } from './assessments/persistence/assessment.entity.ts';
import { RiskConfig } from './config/risk.config.ts';
import { MIGRATIONS } from './persistence/migrations.ts';
import { AccountProfile } from './profiles/persistence/account-profile.entity.ts';

/** The risk service: risk rules and assessments. */
@Module({
  imports: [
    PlatformModule.forRoot({ serviceName: 'risk', config: RiskConfig, entities: [Assessment, AccountProfile], migrations: MIGRATIONS }),
    AssessmentsModule,
  ],
})
export class AppModule {}
