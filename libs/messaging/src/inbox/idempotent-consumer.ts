import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { trace } from '@opentelemetry/api';
import type { EventEnvelope } from '@bankshop/contracts';

/**
 * Kafka delivers at least once (a relay may resend after a crash, a consumer may be rebalanced
 * before committing its offset), so every consumer must tolerate duplicates. This records
 * `(consumer, eventId)` in `processed_events` in the same database transaction as the effect:
 * the effect and the record commit together, and a second delivery finds the record and does
 * nothing. Two concurrent deliveries serialize on the primary key, and the loser skips.
 */
@Injectable()
export class IdempotentConsumer {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Runs `effect` once per `(consumer, event.eventId)`. Returns false for a duplicate. If `effect`
   * throws, nothing is recorded and the error propagates, so Kafka redelivers the event.
   */
  async handleOnce(
    consumer: string,
    event: Pick<EventEnvelope, 'eventId'>,
    effect: (manager: EntityManager) => Promise<void>,
  ): Promise<boolean> {
    const firstTime = await this.dataSource.transaction(async (manager) => {
      const claimed = (await manager.query(
        `INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [consumer, event.eventId],
      )) as unknown[];
      if (claimed.length === 0) return false;
      await effect(manager);
      return true;
    });
    trace.getActiveSpan()?.setAttribute('messaging.duplicate', !firstTime);
    return firstTime;
  }
}
