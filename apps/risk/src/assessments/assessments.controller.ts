import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import type { RiskAssessmentResult } from '@bankshop/contracts';
import { Internal } from '@bankshop/auth';
import { AssessmentsService } from './assessments.service.ts';
import { AssessmentRequestDto } from './dto/assessment-request.dto.ts';
import { toAssessmentResult } from './dto/assessment.view.ts';

/** Asked by the transaction service before it moves any money. */
@Internal()
@Controller('internal/assessments')
export class AssessmentsController {
  constructor(private readonly assessments: AssessmentsService) {}

  /** 200, not 201: asking twice about one transfer answers the same assessment. */
  @Post()
  @HttpCode(200)
  async assess(@Body() request: AssessmentRequestDto): Promise<RiskAssessmentResult> {
    return toAssessmentResult(await this.assessments.assess(request));
  }
}
