import { Controller, Get, Query } from '@nestjs/common';
import { Roles } from '@bankshop/auth';
import type { Page } from '@bankshop/platform';
import { AuditQuery } from './audit.query.ts';
import { AuditTrail, type AuditEventView, type ChainVerification } from './audit-trail.ts';

/** The audit trail, for administrators (API.md "Audit and reconciliation"). */
@Roles('admin')
@Controller('api/admin/audit')
export class AuditController {
  constructor(private readonly trail: AuditTrail) {}

  @Get()
  list(@Query() query: AuditQuery): Promise<Page<AuditEventView>> {
    return this.trail.query(query);
  }

  @Get('verify')
  verify(): Promise<ChainVerification> {
    return this.trail.verify();
  }
}
