import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts, holds and the ledger. The money invariants are also constraints here, so that not
 * even a bug in this service can store a negative balance or more held than there is.
 */
export class AccountSchema1763943100000 implements MigrationInterface {
  name = 'AccountSchema1763943100000';

  async up(runner: QueryRunner): Promise<void> {
    // Account numbers come from a sequence, which never hands out a value twice, not even after a
    // rollback: numbers are never reused.
    await runner.query(`CREATE SEQUENCE account_number_seq START 100000000000000 MAXVALUE 999999999999999`);
    await runner.query(`
      CREATE TABLE accounts (
        id            uuid PRIMARY KEY,
        number        char(16) NOT NULL UNIQUE,
        owner_id      uuid NOT NULL,
        currency      char(3) NOT NULL CHECK (currency IN ('CNY', 'USD', 'EUR')),
        balance       numeric(20, 2) NOT NULL DEFAULT 0 CHECK (balance >= 0),
        held          numeric(20, 2) NOT NULL DEFAULT 0 CHECK (held >= 0),
        status        text NOT NULL CHECK (status IN ('ACTIVE', 'FROZEN', 'CLOSED')),
        frozen_reason text,
        version       integer NOT NULL DEFAULT 1,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT held_within_balance CHECK (held <= balance)
      )`);
    await runner.query(`CREATE INDEX accounts_owner ON accounts (owner_id, created_at DESC, id)`);
    await runner.query(`CREATE INDEX accounts_listing ON accounts (created_at DESC, id)`);

    await runner.query(`
      CREATE TABLE ledger_entries (
        id            uuid PRIMARY KEY,
        seq           bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        account_id    uuid NOT NULL REFERENCES accounts (id),
        type          text NOT NULL CHECK (type IN ('DEPOSIT', 'WITHDRAWAL', 'TRANSFER_DEBIT', 'TRANSFER_CREDIT')),
        amount        numeric(20, 2) NOT NULL CHECK (amount <> 0),
        balance_after numeric(20, 2) NOT NULL CHECK (balance_after >= 0),
        transfer_id   uuid,
        created_at    timestamptz NOT NULL DEFAULT now(),
        -- Credits are positive and debits negative, whatever the code says.
        CONSTRAINT amount_sign CHECK (
          (type IN ('DEPOSIT', 'TRANSFER_CREDIT') AND amount > 0) OR
          (type IN ('WITHDRAWAL', 'TRANSFER_DEBIT') AND amount < 0)),
        CONSTRAINT transfer_legs_name_their_transfer CHECK ((type LIKE 'TRANSFER_%') = (transfer_id IS NOT NULL))
      )`);
    await runner.query(`CREATE INDEX ledger_entries_account ON ledger_entries (account_id, seq DESC)`);
    // At most one debit and one credit per transfer: a transfer can never be applied twice.
    await runner.query(`CREATE UNIQUE INDEX ledger_entries_transfer_leg ON ledger_entries (transfer_id, type) WHERE transfer_id IS NOT NULL`);

    await runner.query(`
      CREATE TABLE holds (
        id              uuid PRIMARY KEY,
        transfer_id     uuid NOT NULL UNIQUE,
        from_account_id uuid NOT NULL REFERENCES accounts (id),
        to_account_id   uuid NOT NULL REFERENCES accounts (id),
        amount          numeric(20, 2) NOT NULL CHECK (amount > 0),
        currency        char(3) NOT NULL,
        status          text NOT NULL CHECK (status IN ('OPEN', 'CAPTURED', 'VOIDED', 'EXPIRED')),
        expires_at      timestamptz NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        closed_at       timestamptz
      )`);
    await runner.query(`CREATE INDEX holds_open_by_expiry ON holds (expires_at) WHERE status = 'OPEN'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE holds`);
    await runner.query(`DROP TABLE ledger_entries`);
    await runner.query(`DROP TABLE accounts`);
    await runner.query(`DROP SEQUENCE account_number_seq`);
  }
}
