import pg from 'pg';

/** Rows fetched per round trip when the baseline streams a table. */
const FETCH = 10_000;

export interface BaselineResult {
  ms: number;
  accounts: number;
  ledgerEntries: number;
  mismatches: number;
  legs: number;
  transfers: number;
}

/**
 * The least work any reconciliation of this book must do, as plain SQL on the same databases:
 * every balance against the sum of its ledger in one snapshot (aggregated in the database, as
 * the account service does), then every transfer leg in transfer id order and every transfer in
 * id order, both streamed to this process through a cursor (as the service merges them, the two
 * streams run side by side). No HTTP, no JSON, no comparison in JavaScript: what is left is
 * PostgreSQL reading, sorting and sending the rows.
 */
export async function baselineReconciliation(connections: BaselineConnections, before: Date): Promise<BaselineResult> {
  const started = performance.now();
  const { account, legs: legsClient, transfers: transfersClient } = connections;
  await account.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const { rows: counts } = await account.query<{ accounts: number; entries: number }>(
    `SELECT (SELECT count(*) FROM accounts)::int AS accounts, (SELECT count(*) FROM ledger_entries)::int AS entries`,
  );
  const { rowCount: mismatches } = await account.query(
    `SELECT a.id, a.balance, l.total
       FROM accounts a LEFT JOIN (SELECT account_id, sum(amount) AS total FROM ledger_entries GROUP BY account_id) l ON l.account_id = a.id
      WHERE a.balance <> COALESCE(l.total, 0)`,
  );
  await account.query('COMMIT');
  const [legs, transfers] = await Promise.all([
    stream(
      legsClient,
      `SELECT transfer_id, account_id, type, amount::text FROM ledger_entries
        WHERE transfer_id IS NOT NULL AND created_at < $1 ORDER BY transfer_id, type`,
      [before],
    ),
    stream(
      transfersClient,
      `SELECT id, from_account_id, to_account_id, amount::text, status, (status <> 'PENDING' AND updated_at < $1) AS settled
         FROM transfers ORDER BY id`,
      [before],
    ),
  ]);
  return {
    ms: performance.now() - started,
    accounts: counts[0]!.accounts,
    ledgerEntries: counts[0]!.entries,
    mismatches: mismatches ?? 0,
    legs,
    transfers,
  };
}

/**
 * The baseline's connections, opened before it is measured and closed after: a backend that
 * exits inside the window would take its CPU counters with it.
 */
export interface BaselineConnections {
  account: pg.Client;
  legs: pg.Client;
  transfers: pg.Client;
  close(): Promise<void>;
}

export async function openBaseline(accountUrl: string, transactionUrl: string): Promise<BaselineConnections> {
  const clients = [accountUrl, accountUrl, transactionUrl].map((url) => new pg.Client({ connectionString: url }));
  try {
    await Promise.all(clients.map((client) => client.connect()));
  } catch (error) {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    throw error;
  }
  const [account, legs, transfers] = clients as [pg.Client, pg.Client, pg.Client];
  return { account, legs, transfers, close: async () => void (await Promise.all(clients.map((client) => client.end()))) };
}

/** Reads a query's rows `FETCH` at a time through a cursor, keeping none: how many there were. */
async function stream(client: pg.Client, sql: string, parameters: unknown[]): Promise<number> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  // The whole result will be read: plan for the total, not for the first rows.
  await client.query('SET LOCAL cursor_tuple_fraction = 1');
  await client.query(`DECLARE rows NO SCROLL CURSOR FOR ${sql}`, parameters);
  let count = 0;
  for (;;) {
    const { rowCount } = await client.query({ text: `FETCH ${FETCH} FROM rows`, rowMode: 'array' });
    count += rowCount ?? 0;
    if (!rowCount || rowCount < FETCH) break;
  }
  await client.query('COMMIT');
  return count;
}
