import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BalanceCheck } from '@bankshop/contracts';
import { TestIdentityProvider, type TestService } from '@bankshop/testing';
import { AccountDriver, expectProblem, startAccountService } from './support.ts';

/** ReconciliationDataService's MAX_LISTED_MISMATCHES. */
const MAX_LISTED_MISMATCHES = 500;

describe('reconciliation data: the balances check for the transaction service (/internal/reconciliation), on the real account service', () => {
  const identity = new TestIdentityProvider();
  let service: TestService;
  let bank: AccountDriver;
  let alice: string;

  beforeAll(async () => {
    await identity.start();
    service = await startAccountService(identity);
    bank = new AccountDriver(service);
    alice = await identity.mint({ roles: ['customer'] });
  });

  afterAll(async () => {
    await service?.stop();
    await identity.stop();
  });

  async function balances(): Promise<BalanceCheck> {
    const response = await bank.internal<BalanceCheck>('GET', '/internal/reconciliation/balances');
    expect(response.status, response.text).toBe(200);
    return response.body;
  }

  it('is for other services only: 401 UNAUTHENTICATED without the internal token', async () => {
    expectProblem(await bank.internal('GET', '/internal/reconciliation/balances', undefined, {}), 401, 'UNAUTHENTICATED');
  });

  it('finds no mismatch in books kept by the service, and counts every account and entry', async () => {
    await bank.funded(alice, '100.00');
    await bank.funded(alice, '5.00');
    const [stored] = await bank.query<{ accounts: number; entries: number }>(
      `SELECT (SELECT count(*) FROM accounts)::int AS accounts, (SELECT count(*) FROM ledger_entries)::int AS entries`,
    );
    expect(await balances()).toEqual({ accounts: stored!.accounts, ledgerEntries: stored!.entries, mismatches: [], mismatchCount: 0 });
  });

  it('reports a balance changed directly in SQL, with its ledger sum, and counts it', async () => {
    const account = await bank.funded(alice, '100.00');
    await bank.query(`UPDATE accounts SET balance = balance + 1 WHERE id = $1`, [account.id]);
    try {
      expect(await balances()).toMatchObject({
        mismatches: [{ accountId: account.id, ledgerSum: '100.00', balance: '101.00' }],
        mismatchCount: 1,
      });
    } finally {
      await bank.query(`UPDATE accounts SET balance = balance - 1 WHERE id = $1`, [account.id]);
    }
  });

  it(`lists the first ${MAX_LISTED_MISMATCHES} mismatching accounts by id, and counts them all`, async () => {
    // Accounts holding money with no ledger behind them; their numbers start with 0, which no
    // number the service gives out does.
    const corrupted = await bank.query<{ id: string }>(
      `INSERT INTO accounts (id, number, owner_id, currency, balance, status)
       SELECT gen_random_uuid(), lpad(n::text, 16, '0'), $1, 'EUR', 1, 'ACTIVE' FROM generate_series(1, $2::int) AS n
       RETURNING id`,
      [randomUUID(), MAX_LISTED_MISMATCHES + 20],
    );
    try {
      const check = await balances();
      expect(check.mismatchCount).toBe(MAX_LISTED_MISMATCHES + 20);
      expect(check.mismatches.map((mismatch) => mismatch.accountId)).toEqual(
        corrupted.map((row) => row.id).sort().slice(0, MAX_LISTED_MISMATCHES),
      );
      expect(check.mismatches[0]).toMatchObject({ balance: '1.00', ledgerSum: '0.00' });
    } finally {
      await bank.query(`DELETE FROM accounts WHERE id = ANY($1)`, [corrupted.map((row) => row.id)]);
    }
  });
});
