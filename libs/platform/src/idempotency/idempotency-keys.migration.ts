import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Idempotency keys of one service's state-changing routes (see `IdempotencyInterceptor`). */
export class IdempotencyKeys1763942600000 implements MigrationInterface {
  name = 'IdempotencyKeys1763942600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE idempotency_keys (
        scope           text NOT NULL,
        key             text NOT NULL,
        request_hash    text NOT NULL,
        status          text NOT NULL CHECK (status IN ('IN_PROGRESS', 'COMPLETED')),
        response_status integer,
        -- json, not jsonb: a replay must repeat the body exactly, key order included.
        response_body   json,
        locked_until    timestamptz NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        completed_at    timestamptz,
        PRIMARY KEY (scope, key)
      )`);
    await runner.query(`CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE idempotency_keys`);
  }
}
