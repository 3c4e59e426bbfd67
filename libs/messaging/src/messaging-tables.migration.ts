import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tables this library needs in every service database: the outbox (events waiting to be
 * published) and the processed-events record of the idempotent consumer. Each service lists this
 * migration first in its own migrations, so its schema history stays in one place.
 */
export class MessagingTables1763942400000 implements MigrationInterface {
  name = 'MessagingTables1763942400000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE outbox (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id      uuid NOT NULL UNIQUE,
        type          text NOT NULL,
        topic         text NOT NULL,
        message_key   text NOT NULL,
        payload       jsonb NOT NULL,
        trace_context jsonb NOT NULL DEFAULT '{}',
        occurred_at   timestamptz NOT NULL,
        published_at  timestamptz
      )`);
    // The relay only ever looks for unpublished rows; this index stays small however big the
    // table grows.
    await runner.query(`CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL`);
    await runner.query(`
      CREATE TABLE processed_events (
        consumer     text NOT NULL,
        event_id     uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE processed_events`);
    await runner.query(`DROP TABLE outbox`);
  }
}
