import type { AuditRecordedV1 } from '@bankshop/contracts';
import { currentTraceId, redact } from '@bankshop/telemetry';
import type { NewEvent } from '../outbox/outbox.ts';

export type AuditRecord = Omit<AuditRecordedV1, 'traceId' | 'data'> & { data?: Record<string, unknown> };

/**
 * An audit record, ready for `outbox.append`: written in the same transaction as the change it
 * describes (or, for a refused action, on its own), stamped with the current trace id so that an
 * auditor can open the whole request in the tracing backend.
 */
export function auditEvent(record: AuditRecord): NewEvent<'audit.recorded.v1', AuditRecordedV1> {
  return {
    type: 'audit.recorded.v1',
    aggregateId: record.resourceId ?? record.actorId ?? record.resourceType,
    // Secrets and full account numbers never leave the service, whatever a caller put in `data`.
    payload: { ...record, data: redact(record.data ?? {}), traceId: currentTraceId() ?? null },
  };
}
