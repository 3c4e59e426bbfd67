import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users and the keys that sign their access tokens. */
export class GatewaySchema1763943300000 implements MigrationInterface {
  name = 'GatewaySchema1763943300000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE users (
        id            uuid PRIMARY KEY,
        email         text NOT NULL UNIQUE CHECK (email = lower(email)),
        name          text NOT NULL,
        password_hash text NOT NULL,
        roles         text[] NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE signing_keys (
        kid         text PRIMARY KEY,
        private_key text NOT NULL,
        public_jwk  jsonb NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE signing_keys`);
    await runner.query(`DROP TABLE users`);
  }
}
