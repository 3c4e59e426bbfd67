import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { topicOf, type EventEnvelope, type EventType } from '@bankshop/contracts';
import { captureTraceContext } from '@bankshop/telemetry';

/** An event about to happen: the outbox gives it an id and a time. */
export interface NewEvent<TType extends EventType = EventType, TPayload = unknown> {
  type: TType;
  aggregateId: string;
  payload: TPayload;
}

/** Postgres channel the relay listens on; a NOTIFY is only delivered if its transaction commits. */
export const OUTBOX_CHANNEL = 'bankshop_outbox';

/**
 * The transactional outbox (writer side). Events are written to the `outbox` table in the same
 * database transaction as the state change they describe, so either both happen or neither does;
 * the relay publishes them to Kafka afterwards. The trace context of the request is saved with
 * each row, so the consumer of the event continues the same trace.
 */
@Injectable()
export class Outbox {
  async append(manager: EntityManager, ...events: NewEvent[]): Promise<EventEnvelope[]> {
    if (!manager.queryRunner?.isTransactionActive) {
      // Outside a transaction the event could be committed without its state change, or the
      // reverse; that is exactly the bug an outbox exists to prevent, so refuse it loudly.
      throw new Error('Outbox.append must be called with the EntityManager of an open transaction');
    }
    const traceContext = captureTraceContext();
    const occurredAt = new Date().toISOString();
    const envelopes = events.map(
      (event): EventEnvelope => ({
        eventId: randomUUID(),
        type: event.type,
        aggregateId: event.aggregateId,
        occurredAt,
        payload: event.payload,
      }),
    );
    for (const envelope of envelopes) {
      await manager.query(
        `INSERT INTO outbox (event_id, type, topic, message_key, payload, trace_context, occurred_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          envelope.eventId,
          envelope.type,
          topicOf(envelope.type as EventType),
          envelope.aggregateId,
          JSON.stringify(envelope.payload),
          JSON.stringify(traceContext),
          envelope.occurredAt,
        ],
      );
    }
    await manager.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
    return envelopes;
  }
}
