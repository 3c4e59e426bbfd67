import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The simulated card provider's own table: what it charged, declined or cancelled, by the
 * idempotency key its client sent. Kept in the database rather than in memory so that, like a real
 * provider, it remembers its charges when the payment service crashes, and every replica sees them.
 */
export class CardProviderSimulatorSchema1763943700000 implements MigrationInterface {
  name = 'CardProviderSimulatorSchema1763943700000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE card_provider_charges (
        id           text PRIMARY KEY,
        key          text NOT NULL UNIQUE,
        -- Null for a key cancelled before any charge request arrived.
        request_hash text,
        amount       numeric(20, 2),
        currency     char(3),
        description  text,
        status       text NOT NULL CHECK (status IN ('succeeded', 'declined', 'canceled')),
        refund_id    text UNIQUE,
        refunded_at  timestamptz,
        created_at   timestamptz(3) NOT NULL DEFAULT now(),
        CHECK (refund_id IS NULL OR status = 'succeeded')
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE card_provider_charges`);
  }
}
