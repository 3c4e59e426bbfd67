import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsUuid, PageQuery } from '@bankshop/platform';

/** `GET /api/admin/assessments?accountId&limit&cursor`. */
export class ListAssessmentsQuery extends PageQuery {
  /** Only the assessments of transfers from this account. */
  @ApiPropertyOptional({ description: 'Only the assessments of transfers from this account.' })
  @IsOptional()
  @IsUuid()
  accountId?: string;
}
