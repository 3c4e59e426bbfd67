import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@bankshop/auth';
import { ApiAdmin, ApiProblems, type Page } from '@bankshop/platform';
import { AuditQuery } from './audit.query.ts';
import { AuditTrail, type AuditEventView, type ChainVerification } from './audit-trail.ts';

/** The audit trail, for administrators (API.md "Audit and reconciliation"). */
@ApiTags('Admin')
@ApiAdmin()
@Roles('admin')
@Controller('api/admin/audit')
export class AuditController {
  constructor(private readonly trail: AuditTrail) {}

  @Get()
  @ApiOperation({ summary: 'The audit trail', description: 'Filtered by any of the query parameters.' })
  @ApiOkResponse({ description: '`{items: AuditEvent[], nextCursor}` (API.md), newest first.' })
  @ApiProblems('VALIDATION_FAILED')
  list(@Query() query: AuditQuery): Promise<Page<AuditEventView>> {
    return this.trail.query(query);
  }

  @Get('verify')
  @ApiOperation({ summary: 'Verify the hash chain of the audit trail' })
  @ApiOkResponse({ description: '`{valid, checked, firstInvalidSeq?}`: editing or deleting any stored event makes it invalid.' })
  verify(): Promise<ChainVerification> {
    return this.trail.verify();
  }
}
