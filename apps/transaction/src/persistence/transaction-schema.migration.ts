import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Transfers: the coordinator's record of every transfer and how far it got. */
export class TransactionSchema1763943200000 implements MigrationInterface {
  name = 'TransactionSchema1763943200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE transfers (
        id              uuid PRIMARY KEY,
        initiated_by    uuid NOT NULL,
        from_account_id uuid NOT NULL,
        to_account_id   uuid NOT NULL,
        -- Owners are kept so either party can see the transfer without asking the account service.
        from_owner_id   uuid NOT NULL,
        to_owner_id     uuid NOT NULL,
        amount          numeric(20, 2) NOT NULL CHECK (amount > 0),
        currency        char(3) NOT NULL,
        description     text,
        lock_mode       text NOT NULL CHECK (lock_mode IN ('pessimistic', 'optimistic')),
        status          text NOT NULL CHECK (status IN ('PENDING', 'COMPLETED', 'REJECTED', 'FAILED')),
        step            text NOT NULL CHECK (step IN ('CREATED', 'RISK_APPROVED', 'PREPARED', 'COMMITTING', 'DONE')),
        hold_id         uuid,
        risk_decision   text CHECK (risk_decision IN ('APPROVE', 'REJECT')),
        risk_score      numeric(3, 2),
        risk_reasons    jsonb,
        failure_code    text,
        version         integer NOT NULL DEFAULT 1,
        lease_until     timestamptz NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        completed_at    timestamptz,
        CONSTRAINT terminal_means_done CHECK ((status = 'PENDING') = (step <> 'DONE'))
      )`);
    await runner.query(`CREATE INDEX transfers_from ON transfers (from_account_id, created_at DESC, id)`);
    await runner.query(`CREATE INDEX transfers_to ON transfers (to_account_id, created_at DESC, id)`);
    await runner.query(`CREATE INDEX transfers_from_owner ON transfers (from_owner_id, created_at DESC, id)`);
    await runner.query(`CREATE INDEX transfers_to_owner ON transfers (to_owner_id, created_at DESC, id)`);
    await runner.query(`CREATE INDEX transfers_listing ON transfers (created_at DESC, id)`);
    // The recovery sweeper's work list stays small: only transfers still in flight.
    await runner.query(`CREATE INDEX transfers_pending_lease ON transfers (lease_until) WHERE status = 'PENDING'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE transfers`);
  }
}
