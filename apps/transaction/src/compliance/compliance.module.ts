import { Module } from '@nestjs/common';
import { AccountClient } from '../upstream/account.client.ts';
import { AuditController } from './audit/audit.controller.ts';
import { AuditTrail } from './audit/audit-trail.ts';
import { AuditTrailListener } from './audit/audit-trail.listener.ts';
import { ReconciliationController } from './reconciliation/reconciliation.controller.ts';
import { ReconciliationJob } from './reconciliation/reconciliation.job.ts';
import { ReconciliationService } from './reconciliation/reconciliation.service.ts';

/** The audit trail of the whole system and the reconciliation of money. */
@Module({
  controllers: [AuditController, AuditTrailListener, ReconciliationController],
  providers: [AuditTrail, ReconciliationService, ReconciliationJob, AccountClient],
})
export class ComplianceModule {}
