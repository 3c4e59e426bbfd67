import { Controller, Get, Query } from '@nestjs/common';
import { Roles } from '@bankshop/auth';
import type { Page } from '@bankshop/platform';
import { AssessmentsService } from './assessments.service.ts';
import type { AssessmentView } from './dto/assessment.view.ts';
import { ListAssessmentsQuery } from './dto/list-assessments.query.ts';

/** What admins see of the risk decisions. */
@Roles('admin')
@Controller('api/admin/assessments')
export class AdminAssessmentsController {
  constructor(private readonly assessments: AssessmentsService) {}

  @Get()
  list(@Query() query: ListAssessmentsQuery): Promise<Page<AssessmentView>> {
    return this.assessments.list(query);
  }
}
