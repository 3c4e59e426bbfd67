import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@bankshop/auth';
import { ApiAdmin, ApiPageResponse, ApiProblems, type Page } from '@bankshop/platform';
import { AssessmentsService } from './assessments.service.ts';
import { AssessmentView } from './dto/assessment.view.ts';
import { ListAssessmentsQuery } from './dto/list-assessments.query.ts';

/** What admins see of the risk decisions. */
@ApiTags('Admin')
@ApiAdmin()
@Roles('admin')
@Controller('api/admin/assessments')
export class AdminAssessmentsController {
  constructor(private readonly assessments: AssessmentsService) {}

  @Get()
  @ApiOperation({ summary: 'Risk assessments', description: 'Every decision of the risk service, newest first.' })
  @ApiPageResponse(AssessmentView, 'Assessments, newest first.')
  @ApiProblems('VALIDATION_FAILED')
  list(@Query() query: ListAssessmentsQuery): Promise<Page<AssessmentView>> {
    return this.assessments.list(query);
  }
}
