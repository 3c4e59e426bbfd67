import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The risk service's own tables: assessments, and the account profiles the rules compare with. */
export class RiskSchema1763943000000 implements MigrationInterface {
  name = 'RiskSchema1763943000000';

  async up(runner: QueryRunner): Promise<void> {
    // created_at has millisecond precision, exactly what a JS Date holds: a pagination cursor
    // built from a row's Date then compares equal to the row, never a few microseconds off.
    await runner.query(`
      CREATE TABLE assessments (
        id              uuid PRIMARY KEY,
        transfer_id     uuid NOT NULL UNIQUE,
        from_account_id uuid NOT NULL,
        to_account_id   uuid NOT NULL,
        amount          numeric(20,2) NOT NULL CHECK (amount > 0),
        currency        char(3) NOT NULL CHECK (currency IN ('CNY', 'USD', 'EUR')),
        decision        text NOT NULL CHECK (decision IN ('APPROVE', 'REJECT')),
        score           numeric(3,2) NOT NULL CHECK (score BETWEEN 0 AND 1),
        reasons         jsonb NOT NULL CHECK (jsonb_typeof(reasons) = 'array'),
        created_at      timestamptz(3) NOT NULL DEFAULT now()
      )`);
    // The admin list, newest first: for one source account, and for all of them.
    await runner.query(`CREATE INDEX assessments_by_account ON assessments (from_account_id, created_at DESC, id DESC)`);
    await runner.query(`CREATE INDEX assessments_by_time ON assessments (created_at DESC, id DESC)`);
    await runner.query(`
      CREATE TABLE account_profiles (
        account_id          uuid PRIMARY KEY,
        completed_transfers integer NOT NULL CHECK (completed_transfers >= 0),
        total_amount        numeric(20,2) NOT NULL CHECK (total_amount >= 0),
        updated_at          timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE account_profiles`);
    await runner.query(`DROP TABLE assessments`);
  }
}
