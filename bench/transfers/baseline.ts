import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { OK } from '../support/closed-loop.ts';

/**
 * The baseline: the same transfer as ONE transaction on minimal tables, what the service path
 * would cost if it were nothing but its essential SQL. It runs in a scratch database on the same
 * PostgreSQL server, so both pay the same disk, WAL and fsync.
 */
export async function createBaselineSchema(pool: pg.Pool): Promise<void> {
  await pool.query(`
    CREATE TABLE accounts (
      id      uuid PRIMARY KEY,
      balance numeric(20, 2) NOT NULL CHECK (balance >= 0),
      version integer NOT NULL DEFAULT 1
    );
    CREATE TABLE transfers (
      id              uuid PRIMARY KEY,
      from_account_id uuid NOT NULL,
      to_account_id   uuid NOT NULL,
      amount          numeric(20, 2) NOT NULL CHECK (amount > 0),
      created_at      timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE ledger_entries (
      id            uuid PRIMARY KEY,
      account_id    uuid NOT NULL REFERENCES accounts (id),
      transfer_id   uuid NOT NULL,
      amount        numeric(20, 2) NOT NULL,
      balance_after numeric(20, 2) NOT NULL,
      created_at    timestamptz NOT NULL DEFAULT now()
    )`);
}

export async function seedBaselineAccounts(pool: pg.Pool, count: number, balance: string): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO accounts (id, balance) SELECT gen_random_uuid(), $1 FROM generate_series(1, $2) RETURNING id`,
    [balance, count],
  );
  return rows.map((row) => row.id);
}

/** The statements of one baseline transfer, BEGIN and COMMIT included. */
export const BASELINE_STATEMENTS = 8;

/**
 * Lock both rows in id order (so transfers in opposite directions queue instead of deadlocking),
 * update both, insert the transfer and its two ledger rows, commit.
 */
export async function baselineTransfer(pool: pg.Pool, from: string, to: string, amount: string): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT id FROM accounts WHERE id IN ($1, $2) ORDER BY id FOR UPDATE', [from, to]);
    const debited = await client.query<{ balance: string }>(
      'UPDATE accounts SET balance = balance - $2, version = version + 1 WHERE id = $1 RETURNING balance',
      [from, amount],
    );
    const credited = await client.query<{ balance: string }>(
      'UPDATE accounts SET balance = balance + $2, version = version + 1 WHERE id = $1 RETURNING balance',
      [to, amount],
    );
    const transferId = randomUUID();
    await client.query('INSERT INTO transfers (id, from_account_id, to_account_id, amount) VALUES ($1, $2, $3, $4)', [
      transferId,
      from,
      to,
      amount,
    ]);
    const leg = 'INSERT INTO ledger_entries (id, account_id, transfer_id, amount, balance_after) VALUES ($1, $2, $3, $4, $5)';
    await client.query(leg, [randomUUID(), from, transferId, `-${amount}`, debited.rows[0]!.balance]);
    await client.query(leg, [randomUUID(), to, transferId, amount, credited.rows[0]!.balance]);
    await client.query('COMMIT');
    return OK;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
