import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from 'kafkajs';
import type { DataSource, QueryRunner } from 'typeorm';
import type { EventEnvelope } from '@bankshop/contracts';
import { createLogger, meter, runInTraceContext, withSpan, type Logger } from '@bankshop/telemetry';
import type { OutboxRelayOptions } from '../messaging.options.ts';
import { OUTBOX_CHANNEL } from './outbox.ts';

/** What the relay needs from a producer: one durable send. */
export interface EventPublisher {
  send(topic: string, message: Message): Promise<unknown>;
}

export interface OutboxRow {
  id: string;
  event_id: string;
  type: string;
  topic: string;
  message_key: string;
  payload: unknown;
  trace_context: Record<string, string>;
  occurred_at: Date;
}

export interface OutboxRelayHooks {
  /** Called after a batch is on Kafka and before it is marked published (crash tests use it). */
  afterPublish?: (rows: readonly OutboxRow[]) => Promise<void>;
}

const DEFAULT_BATCH_SIZE = 100;
const DEFAULT_POLL_INTERVAL_MS = 1_000;
const BACKOFF_AFTER_ERROR_MS = 1_000;

/**
 * The transactional outbox (publisher side). It repeatedly takes the oldest unpublished rows,
 * sends each to Kafka and marks them published, all inside one database transaction:
 *
 * - A transaction that rolled back never wrote its rows, so nothing of it is ever published.
 * - Rows are chosen by `published_at IS NULL`, not by "ids above the last one seen", because ids
 *   are assigned at insert but become visible at commit: a row with a smaller id can appear after
 *   a larger one, and a high-water mark would skip it forever.
 * - If the relay dies after sending and before its commit, the rows stay unpublished and are sent
 *   again: delivery is at least once, and consumers deduplicate on `eventId`.
 * - `pg_try_advisory_xact_lock` lets one relay per database publish at a time, which keeps the
 *   events of an aggregate in order across replicas; `FOR UPDATE SKIP LOCKED` keeps the row
 *   claim safe without ever waiting on another transaction.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly logger: Logger;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private listener: QueryRunner | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    options: OutboxRelayOptions = {},
    private readonly hooks: OutboxRelayHooks = {},
  ) {
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.logger = createLogger('outbox-relay');
    registerOutboxLagGauge(dataSource);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the batch in flight, if any, has been committed or rolled back. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.listener?.release().catch(() => undefined);
    this.listener = undefined;
  }

  /** Publishes one batch; returns how many events were published (0 if another relay is active). */
  async publishPending(): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      const [lock] = (await runner.query(
        `SELECT pg_try_advisory_xact_lock(hashtext('bankshop.outbox-relay')) AS locked`,
      )) as { locked: boolean }[];
      if (!lock?.locked) {
        await runner.commitTransaction();
        return 0;
      }
      const rows = (await runner.query(
        `SELECT id, event_id, type, topic, message_key, payload, trace_context, occurred_at
           FROM outbox
          WHERE published_at IS NULL
          ORDER BY id
          LIMIT $1
          FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      )) as OutboxRow[];
      if (rows.length > 0) {
        await withSpan('outbox.relay', async (span) => {
          span.setAttribute('outbox.batch.size', rows.length);
          await this.publishInOrder(rows);
          await this.hooks.afterPublish?.(rows);
          await runner.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [
            rows.map((row) => row.id),
          ]);
        });
      }
      await runner.commitTransaction();
      return rows.length;
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * One send at a time, in id order, each inside the trace context saved with its row: the
   * kafkajs instrumentation then makes the producer span a child of the request that wrote the
   * event and injects that context into the message headers for the consumer.
   */
  private async publishInOrder(rows: readonly OutboxRow[]): Promise<void> {
    for (const row of rows) {
      const envelope: EventEnvelope = {
        eventId: row.event_id,
        type: row.type,
        aggregateId: row.message_key,
        occurredAt: new Date(row.occurred_at).toISOString(),
        payload: row.payload,
      };
      await runInTraceContext(row.trace_context, () =>
        this.publisher.send(row.topic, {
          key: row.message_key,
          value: JSON.stringify(envelope),
          headers: { 'event-id': row.event_id, 'event-type': row.type },
        }),
      );
    }
  }

  private async run(): Promise<void> {
    await this.listen();
    while (this.running) {
      try {
        const published = await this.publishPending();
        if (published === this.batchSize) continue;
        await this.idle(this.pollIntervalMs);
      } catch (error) {
        this.logger.warn({ err: error }, 'outbox relay could not publish; retrying');
        await this.idle(BACKOFF_AFTER_ERROR_MS);
      }
    }
  }

  /** Sleeps until the timeout or until a committed transaction notifies us. */
  private async idle(ms: number): Promise<void> {
    if (!this.running) return;
    const abort = new AbortController();
    this.wake = () => abort.abort();
    await sleep(ms, undefined, { signal: abort.signal }).catch(() => undefined);
    this.wake = undefined;
    if (!this.listener) await this.listen();
  }

  /** LISTEN on a connection of its own; without it the relay still works, by polling. */
  private async listen(): Promise<void> {
    try {
      const runner = this.dataSource.createQueryRunner();
      const client = (await runner.connect()) as NotifyingClient;
      client.on('notification', () => this.wake?.());
      client.on('error', () => {
        this.listener = undefined;
        void runner.release().catch(() => undefined);
      });
      await runner.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = runner;
    } catch {
      this.listener = undefined;
    }
  }
}

interface NotifyingClient {
  on(event: 'notification' | 'error', listener: () => void): void;
}

let lagGaugeRegistered = false;

/**
 * `bankshop.outbox.lag`: age of the oldest unpublished event. It grows when Kafka is away or the
 * relay is stuck, and is what the "outbox lag > 30 s" alert watches.
 */
function registerOutboxLagGauge(dataSource: DataSource): void {
  if (lagGaugeRegistered) return;
  lagGaugeRegistered = true;
  meter()
    .createObservableGauge('bankshop.outbox.lag', {
      unit: 's',
      description: 'Age of the oldest event in the outbox that is not yet published to Kafka',
    })
    .addCallback(async (result) => {
      if (!dataSource.isInitialized) return;
      const [row] = (await dataSource
        .query(`SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(occurred_at)), 0) AS lag FROM outbox WHERE published_at IS NULL`)
        .catch(() => [])) as { lag: string }[];
      if (row) result.observe(Number(row.lag));
    });
}
