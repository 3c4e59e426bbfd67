import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, TRANSACTION_DB_LOGIN, type ApiResponse } from '@bankshop/testing';
import { BankingStack, type Customer } from './banking-stack.ts';

/**
 * RECONCILIATION_MAX_LISTED_DISCREPANCIES of the transaction service here: above the one finding
 * each corruption case expects, below the findings of the case that checks the limit.
 */
const MAX_LISTED = 2;

/** The trace id of the server span that answered (`traceparent: 00-<trace>-<span>-<flags>`). */
function traceOf(response: ApiResponse): string {
  return String(response.headers.traceparent).split('-')[1]!;
}

describe('compliance: the audit trail and reconciliation, after a real mixed workload through the gateway', () => {
  let stack: BankingStack;
  BankingStack.showServiceErrorsOnFailure(() => stack);
  let alice: Customer;
  let bob: Customer;
  let aliceAccount: string;
  let bobAccount: string;
  let rejectedTransfer: string;
  /** Every state change made, with the audit record it must produce. */
  const expected: { action: string; resourceId: string; traceId: string }[] = [];

  async function registered(name: string): Promise<Customer> {
    const email = `${name}-${randomUUID()}@example.com`;
    const registration = await stack.api.post('/api/auth/register', { body: { email, password: 'long-enough-password', name } });
    expected.push({ action: 'user.registered', resourceId: registration.body.id, traceId: traceOf(registration) });
    const login = await stack.api.post('/api/auth/login', { body: { email, password: 'long-enough-password' } });
    expected.push({ action: 'user.login', resourceId: registration.body.id, traceId: traceOf(login) });
    return { id: registration.body.id, token: login.body.accessToken };
  }

  async function open(owner: Customer): Promise<string> {
    const response = await stack.api.post('/api/accounts', { token: owner.token, body: { currency: 'EUR' } });
    expected.push({ action: 'account.opened', resourceId: response.body.id, traceId: traceOf(response) });
    return response.body.id;
  }

  async function cash(owner: Customer, accountId: string, kind: 'deposits' | 'withdrawals', amount: string): Promise<void> {
    const response = await stack.api.post(`/api/accounts/${accountId}/${kind}`, { token: owner.token, idempotencyKey: randomUUID(), body: { amount } });
    expect(response.status).toBe(201);
    expected.push({ action: kind === 'deposits' ? 'account.deposited' : 'account.withdrew', resourceId: accountId, traceId: traceOf(response) });
  }

  async function transfer(owner: Customer, from: string, to: string, amount: string, lockMode: string): Promise<ApiResponse> {
    const response = await stack.transfer(owner, { fromAccountId: from, toAccountId: to, amount, lockMode });
    const id = response.body.id ?? response.body.transferId;
    expected.push({ action: response.status === 201 ? 'transfer.completed' : 'transfer.rejected', resourceId: id, traceId: traceOf(response) });
    return response;
  }

  async function reconcile() {
    const response = await stack.api.post('/api/admin/reconciliations', { token: stack.adminToken });
    expect(response.status).toBe(201);
    return response.body as {
      id: string;
      status: string;
      discrepancyCount: number;
      discrepancies: Record<string, string>[];
      checked: Record<string, number>;
    };
  }

  /** Money credited to `accountId` by a transfer that does not exist, its balance kept in step. */
  async function orphanCredit(accountId: string, ghost: string): Promise<void> {
    await stack.account.query(
      `WITH credited AS (UPDATE accounts SET balance = balance + 5 WHERE id = $1 RETURNING balance)
       INSERT INTO ledger_entries (id, account_id, type, amount, balance_after, transfer_id, created_at)
       SELECT $2, $1, 'TRANSFER_CREDIT', 5, balance, $3, now() - interval '1 minute' FROM credited`,
      [accountId, randomUUID(), ghost],
    );
  }

  async function removeOrphanCredits(accountId: string, ghosts: string[]): Promise<void> {
    await stack.account.query(`DELETE FROM ledger_entries WHERE transfer_id = ANY($1)`, [ghosts]);
    await stack.account.query(`UPDATE accounts SET balance = balance - $2 WHERE id = $1`, [accountId, 5 * ghosts.length]);
  }

  async function verify() {
    return (await stack.api.get('/api/admin/audit/verify', { token: stack.adminToken })).body as {
      valid: boolean;
      checked: number;
      firstInvalidSeq?: number;
    };
  }

  beforeAll(async () => {
    stack = await BankingStack.start({
      viaGateway: true,
      env: { transaction: { RECONCILIATION_MAX_LISTED_DISCREPANCIES: String(MAX_LISTED) } },
    });
    [alice, bob] = [await registered('alice'), await registered('bob')];
    aliceAccount = await open(alice);
    bobAccount = await open(bob);
    await cash(alice, aliceAccount, 'deposits', '500.00');
    await cash(bob, bobAccount, 'deposits', '50.00');
    await cash(alice, aliceAccount, 'withdrawals', '20.00');
    await transfer(alice, aliceAccount, bobAccount, '30.00', 'pessimistic');
    await transfer(bob, bobAccount, aliceAccount, '5.00', 'optimistic');
    rejectedTransfer = (await transfer(bob, bobAccount, aliceAccount, '9999.00', 'pessimistic')).body.transferId;
    const frozen = await stack.api.post(`/api/admin/accounts/${bobAccount}/freeze`, { token: stack.adminToken, body: { reason: 'spec' } });
    expected.push({ action: 'account.frozen', resourceId: bobAccount, traceId: traceOf(frozen) });
    const unfrozen = await stack.api.post(`/api/admin/accounts/${bobAccount}/unfreeze`, { token: stack.adminToken });
    expected.push({ action: 'account.unfrozen', resourceId: bobAccount, traceId: traceOf(unfrozen) });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('holds exactly one audit record per state change, with the trace id of the request that made it', async () => {
    await expect
      .poll(
        async () => {
          const found = await Promise.all(
            expected.map(async (change) => {
              const page = await stack.api.get(`/api/admin/audit?resourceId=${change.resourceId}&action=${change.action}&limit=100`, {
                token: stack.adminToken,
              });
              return page.body.items.length as number;
            }),
          );
          return found;
        },
        // The audit consumer may lag behind on a busy machine; it must catch up, not be quick.
        { timeout: 90_000, interval: 500 },
      )
      .toEqual(expected.map(() => 1));

    for (const change of expected) {
      const page = await stack.api.get(`/api/admin/audit?resourceId=${change.resourceId}&action=${change.action}`, { token: stack.adminToken });
      const [record] = page.body.items;
      expect(record).toMatchObject({ action: change.action, resourceId: change.resourceId, traceId: change.traceId });
      expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(record.data)).not.toMatch(/password|\d{16}/);
    }
  }, 120_000);

  it('verifies the whole chain as valid, and reconciliation finds the books CLEAN', async () => {
    const chain = await verify();
    expect(chain.valid).toBe(true);
    expect(chain.checked).toBeGreaterThanOrEqual(expected.length);
    const run = await reconcile();
    expect(run.status).toBe('CLEAN');
    expect(run.discrepancies).toEqual([]);
    expect(run.discrepancyCount).toBe(0);
    expect(run.checked.accounts).toBe(2);
    expect(run.checked.transfers).toBe(3);
  });

  it('lists finished runs only, newest first, a page at a time; a run that failed or never finished is not shown', async () => {
    const [older, newer] = [await reconcile(), await reconcile()];
    const unfinished = { failed: randomUUID(), running: randomUUID() };
    // A run that failed, and one a crash cut short, started after every finished run.
    await stack.transaction.query(
      `INSERT INTO reconciliation_runs (id, status, trigger, started_at, finished_at, failure)
       VALUES ($1, 'FAILED', 'schedule', now(), now(), 'account service unreachable'), ($2, 'RUNNING', 'schedule', now(), NULL, NULL)`,
      [unfinished.failed, unfinished.running],
    );
    try {
      const listed: { id: string; status: string; finishedAt: string | null }[] = [];
      let cursor: string | null = null;
      do {
        const page: ApiResponse = await stack.api.get(`/api/admin/reconciliations?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
          token: stack.adminToken,
        });
        expect(page.status, page.text).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(1);
        listed.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);

      expect(listed.slice(0, 2).map((run) => run.id)).toEqual([newer.id, older.id]);
      expect(listed.map((run) => run.id)).not.toEqual(expect.arrayContaining([unfinished.failed]));
      expect(listed.map((run) => run.id)).not.toEqual(expect.arrayContaining([unfinished.running]));
      for (const run of listed) {
        expect(['CLEAN', 'DISCREPANCIES']).toContain(run.status);
        expect(run.finishedAt).toEqual(expect.any(String));
      }
      for (const id of Object.values(unfinished)) {
        expect((await stack.api.get(`/api/admin/reconciliations/${id}`, { token: stack.adminToken })).status).toBe(404);
      }
    } finally {
      await stack.transaction.query(`DELETE FROM reconciliation_runs WHERE id = ANY($1)`, [Object.values(unfinished)]);
    }
  });

  it('refuses a reconciliation asked with a body, which the route takes none of: 400 VALIDATION_FAILED naming the field, nothing run', async () => {
    const runs = async () => (await stack.transaction.query<{ count: number }>(`SELECT count(*)::int AS count FROM reconciliation_runs`))[0]?.count;
    const before = await runs();

    const response = await stack.api.post('/api/admin/reconciliations', { token: stack.adminToken, body: { force: true } });

    expect(response.status, response.text).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'force', message: 'property force should not exist' }],
    });
    expect(await runs()).toBe(before);
  });

  describe('reports each corruption precisely, and nothing else', () => {
    it('a balance changed directly in SQL: BALANCE_MISMATCH with the ledger sum and the balance', async () => {
      await stack.account.query(`UPDATE accounts SET balance = balance + 1 WHERE id = $1`, [aliceAccount]);
      try {
        expect((await reconcile()).discrepancies).toEqual([
          { kind: 'BALANCE_MISMATCH', accountId: aliceAccount, expected: '455.00', actual: '456.00' },
        ]);
      } finally {
        await stack.account.query(`UPDATE accounts SET balance = balance - 1 WHERE id = $1`, [aliceAccount]);
      }
    });

    it('a deleted ledger entry: BALANCE_MISMATCH of its account', async () => {
      const [entry] = await stack.account.query<Record<string, unknown>>(
        `DELETE FROM ledger_entries WHERE account_id = $1 AND type = 'WITHDRAWAL' RETURNING id, account_id, type, amount, balance_after, created_at`,
        [aliceAccount],
      );
      try {
        expect((await reconcile()).discrepancies).toEqual([
          { kind: 'BALANCE_MISMATCH', accountId: aliceAccount, expected: '475.00', actual: '455.00' },
        ]);
      } finally {
        await stack.account.query(
          `INSERT INTO ledger_entries (id, account_id, type, amount, balance_after, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
          [entry!.id, entry!.account_id, entry!.type, entry!.amount, entry!.balance_after, entry!.created_at],
        );
      }
    });

    it('an orphan entry (money credited with no transfer behind it): ORPHAN_LEDGER_ENTRY', async () => {
      const ghost = randomUUID();
      await orphanCredit(bobAccount, ghost);
      try {
        expect((await reconcile()).discrepancies).toEqual([
          { kind: 'ORPHAN_LEDGER_ENTRY', accountId: bobAccount, transferId: ghost, actual: '5.00' },
        ]);
      } finally {
        await removeOrphanCredits(bobAccount, [ghost]);
      }
    });

    it('a transfer marked completed without entries: MISSING_LEDGER_ENTRY', async () => {
      await stack.transaction.query(`UPDATE transfers SET status = 'COMPLETED', completed_at = now() - interval '1 minute' WHERE id = $1`, [
        rejectedTransfer,
      ]);
      try {
        expect((await reconcile()).discrepancies).toEqual([
          { kind: 'MISSING_LEDGER_ENTRY', transferId: rejectedTransfer, expected: '9999.00', actual: '0.00' },
        ]);
      } finally {
        await stack.transaction.query(`UPDATE transfers SET status = 'REJECTED', completed_at = NULL WHERE id = $1`, [rejectedTransfer]);
      }
    });

    it(`more findings than RECONCILIATION_MAX_LISTED_DISCREPANCIES (${MAX_LISTED}): the first listed, balances first, and all counted`, async () => {
      // Transfer ids are compared as Postgres compares uuids: the order of their lowercase text.
      const ghosts = [randomUUID(), randomUUID(), randomUUID()].sort();
      await stack.account.query(`UPDATE accounts SET balance = balance + 1 WHERE id = $1`, [aliceAccount]);
      for (const ghost of ghosts) await orphanCredit(bobAccount, ghost);
      try {
        const run = await reconcile();
        expect(run.status).toBe('DISCREPANCIES');
        expect(run.discrepancyCount).toBe(1 + ghosts.length);
        expect(run.discrepancies).toEqual([
          { kind: 'BALANCE_MISMATCH', accountId: aliceAccount, expected: '455.00', actual: '456.00' },
          { kind: 'ORPHAN_LEDGER_ENTRY', accountId: bobAccount, transferId: ghosts[0], actual: '5.00' },
        ]);

        const stored = await stack.api.get(`/api/admin/reconciliations/${run.id}`, { token: stack.adminToken });
        expect(stored.body).toEqual(run);
        const [event] = await stack.transaction.query<{ payload: unknown }>(
          `SELECT payload FROM outbox WHERE type = 'reconciliation.completed.v1' AND message_key = $1`,
          [run.id],
        );
        expect(event?.payload).toEqual({ reconciliationId: run.id, status: 'DISCREPANCIES', discrepancies: 1 + ghosts.length });
      } finally {
        await stack.account.query(`UPDATE accounts SET balance = balance - 1 WHERE id = $1`, [aliceAccount]);
        await removeOrphanCredits(bobAccount, ghosts);
      }
    });

    it("one audit row's data edited with an owner's connection: verify names its seq", async () => {
      const [row] = await stack.transaction.query<{ seq: string; data: unknown }>(
        `SELECT seq, data FROM audit_events WHERE resource_id = $1 AND action = 'account.deposited'`,
        [aliceAccount],
      );
      await stack.transaction.query(`UPDATE audit_events SET data = jsonb_set(data, '{amount}', '"1.00"') WHERE seq = $1`, [row!.seq]);
      try {
        expect(await verify()).toMatchObject({ valid: false, firstInvalidSeq: Number(row!.seq) });
      } finally {
        await stack.transaction.query(`UPDATE audit_events SET data = $2 WHERE seq = $1`, [row!.seq, JSON.stringify(row!.data)]);
      }
      expect((await verify()).valid).toBe(true);
    });

    it('one audit row deleted: verify names the missing seq', async () => {
      const [row] = await stack.transaction.query<Record<string, unknown>>(
        `DELETE FROM audit_events WHERE resource_id = $1 AND action = 'account.withdrew' RETURNING *`,
        [aliceAccount],
      );
      try {
        expect(await verify()).toMatchObject({ valid: false, firstInvalidSeq: Number(row!.seq) });
      } finally {
        const columns = Object.keys(row!);
        await stack.transaction.query(
          `INSERT INTO audit_events (${columns.join(', ')}) VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')})`,
          columns.map((column) => (column === 'data' ? JSON.stringify(row![column]) : row![column])),
        );
      }
      expect((await verify()).valid).toBe(true);
    });
  });

  it("forbids the service's own database role to UPDATE or DELETE audit rows", async () => {
    const client = new pg.Client({ connectionString: databaseUrl(stack.transaction.database.name, TRANSACTION_DB_LOGIN) });
    await client.connect();
    try {
      await expect(client.query(`UPDATE audit_events SET action = 'x'`)).rejects.toMatchObject({ code: '42501' });
      await expect(client.query(`DELETE FROM audit_events`)).rejects.toMatchObject({ code: '42501' });
      await expect(client.query(`TRUNCATE audit_events`)).rejects.toMatchObject({ code: '42501' });
      const { rows } = await client.query<{ count: number }>(`SELECT count(*)::int AS count FROM audit_events`);
      expect(rows[0]?.count).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });
});
