import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProfilesModule } from '../profiles/profiles.module.ts';
import { VelocityCounter } from '../velocity/velocity-counter.ts';
import { AdminAssessmentsController } from './admin-assessments.controller.ts';
import { AssessmentsController } from './assessments.controller.ts';
import { AssessmentsService } from './assessments.service.ts';
import { Assessment } from './persistence/assessment.entity.ts';

/** Risk assessments of transfers: the rule engine, its inputs, and the record of its decisions. */
@Module({
  imports: [TypeOrmModule.forFeature([Assessment]), ProfilesModule],
  controllers: [AssessmentsController, AdminAssessmentsController],
  providers: [AssessmentsService, VelocityCounter],
})
export class AssessmentsModule {}
