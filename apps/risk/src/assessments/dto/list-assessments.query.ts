import { Transform } from 'class-transformer';
import { IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '@bankshop/platform';
import { toLowerCase } from './lower-case.transform.ts';

/** `GET /api/admin/assessments?accountId&limit&cursor`. */
export class ListAssessmentsQuery extends PageQuery {
  /** Only the assessments of transfers from this account. */
  @IsOptional()
  @Transform(toLowerCase)
  @IsUUID('all', { message: 'must be a UUID' })
  accountId?: string;
}
