import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '@bankshop/platform';

/** `GET /api/admin/audit?actorId&action&resourceType&resourceId&traceId&limit&cursor`. */
export class AuditQuery extends PageQuery {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  actorId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  resourceType?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  resourceId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  traceId?: string;
}
