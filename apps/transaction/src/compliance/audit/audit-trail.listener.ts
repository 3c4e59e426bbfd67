import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InvalidEventError, parseEnvelope, type AuditRecordedV1, type EventEnvelope } from '@bankshop/contracts';
import { IdempotentConsumer } from '@bankshop/messaging';
import { AuditTrail } from './audit-trail.ts';

const OUTCOMES = new Set(['SUCCESS', 'FAILURE']);

/**
 * Consumes `audit.events` from every service into the trail. Redelivered records are stored once
 * (the idempotent consumer). A malformed record is logged and skipped rather than retried forever:
 * it would block its partition, and no retry can fix it.
 */
@Controller()
export class AuditTrailListener {
  private readonly logger = new Logger(AuditTrailListener.name);

  constructor(
    private readonly inbox: IdempotentConsumer,
    private readonly trail: AuditTrail,
  ) {}

  @EventPattern('audit.events')
  async onAuditEvent(@Payload() message: unknown): Promise<void> {
    let event: EventEnvelope<string, AuditRecordedV1>;
    try {
      event = asAuditEvent(message);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      this.logger.error({ err: error }, 'skipping a malformed audit record');
      return;
    }
    await this.inbox.handleOnce('audit-trail', event, (manager) => this.trail.append(manager, event));
  }
}

function asAuditEvent(message: unknown): EventEnvelope<string, AuditRecordedV1> {
  const event = parseEnvelope(message);
  const record = event.payload as Partial<AuditRecordedV1> | null;
  const isText = (value: unknown) => typeof value === 'string' && value.length > 0;
  const isOptionalText = (value: unknown) => value === null || isText(value);
  if (
    event.type !== 'audit.recorded.v1' ||
    !record ||
    !isText(record.action) ||
    !isText(record.resourceType) ||
    !isOptionalText(record.actorId) ||
    !isOptionalText(record.resourceId) ||
    !isOptionalText(record.traceId) ||
    !OUTCOMES.has(record.outcome as string) ||
    typeof record.data !== 'object'
  ) {
    throw new InvalidEventError(`not an audit record: ${event.type} ${event.eventId}`);
  }
  return event as EventEnvelope<string, AuditRecordedV1>;
}
