import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestIdentityProvider, type TestService } from '@bankshop/testing';
import { AccountDriver, expectProblem, startAccountService, type AccountView, type Page } from './support.ts';

interface CurrencyTotals {
  currency: string;
  accounts: number;
  balance: string;
  held: string;
  deposits: string;
  withdrawals: string;
}

describe('account administration (API.md "Banking", admin routes), on the real account service', () => {
  const identity = new TestIdentityProvider();
  let service: TestService;
  let bank: AccountDriver;
  let alice: string;
  let admin: string;

  beforeAll(async () => {
    await identity.start();
    service = await startAccountService(identity);
    bank = new AccountDriver(service);
    alice = await identity.mint({ roles: ['customer'] });
    admin = await identity.mint({ roles: ['admin'] });
  });

  afterAll(async () => {
    await service?.stop();
    await identity.stop();
  });

  function freeze(accountId: string, body: unknown = { reason: 'suspected fraud' }, token = admin) {
    return bank.api.post<AccountView>(`/api/admin/accounts/${accountId}/freeze`, { token, body });
  }

  function unfreeze(accountId: string, body?: unknown, token = admin) {
    return bank.api.post<AccountView>(`/api/admin/accounts/${accountId}/unfreeze`, { token, body });
  }

  describe('access', () => {
    const routes = [
      { route: 'GET /api/admin/accounts', call: (token?: string) => bank.api.get('/api/admin/accounts', { token }) },
      { route: 'GET /api/admin/accounts/totals', call: (token?: string) => bank.api.get('/api/admin/accounts/totals', { token }) },
      {
        route: 'POST /api/admin/accounts/:id/freeze',
        call: (token?: string) => bank.api.post(`/api/admin/accounts/${randomUUID()}/freeze`, { token, body: { reason: 'x' } }),
      },
      { route: 'POST /api/admin/accounts/:id/unfreeze', call: (token?: string) => bank.api.post(`/api/admin/accounts/${randomUUID()}/unfreeze`, { token }) },
    ];

    it.each(routes)('answers a customer on $route with 403 FORBIDDEN', async ({ call }) => {
      expectProblem(await call(alice), 403, 'FORBIDDEN');
    });

    it.each(routes)('answers $route without a token with 401 UNAUTHENTICATED', async ({ call }) => {
      expectProblem(await call(), 401, 'UNAUTHENTICATED');
    });

    it("leaves a customer's account untouched when the customer tries to freeze it", async () => {
      const account = await bank.open(alice);
      expectProblem(await freeze(account.id, { reason: 'mine' }, alice), 403, 'FORBIDDEN');
      expect((await bank.account(alice, account.id)).status).toBe('ACTIVE');
    });
  });

  describe('freezing', () => {
    it('freezes an account: 200 with the account FROZEN and its version advanced', async () => {
      const account = await bank.funded(alice, '10.00');

      const response = await freeze(account.id);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ...account, status: 'FROZEN', version: account.version + 1 });
      expect(await bank.stored(account.id)).toMatchObject({ status: 'FROZEN', balance: '10.00' });
    });

    it('refuses deposits and withdrawals on a frozen account with 409 ACCOUNT_FROZEN, changing nothing', async () => {
      const account = await bank.funded(alice, '100.00');
      expect((await freeze(account.id)).status).toBe(200);

      expectProblem(await bank.deposit(alice, account.id, '10.00'), 409, 'ACCOUNT_FROZEN');
      expectProblem(await bank.withdraw(alice, account.id, '10.00'), 409, 'ACCOUNT_FROZEN');
      expectProblem(await bank.deposit(admin, account.id, '10.00'), 409, 'ACCOUNT_FROZEN');

      expect(await bank.account(alice, account.id)).toMatchObject({ status: 'FROZEN', balance: '100.00', available: '100.00' });
      expect(await bank.stored(account.id)).toMatchObject({ balance: '100.00', entries: 1 });
    });

    it('still lets the owner read a frozen account and its ledger', async () => {
      const account = await bank.funded(alice, '3.00');
      expect((await freeze(account.id)).status).toBe(200);
      expect((await bank.account(alice, account.id)).status).toBe('FROZEN');
      expect((await bank.ledger(alice, account.id)).body.items).toHaveLength(1);
    });

    it('unfreezes: 200 with the account ACTIVE, and money moves again', async () => {
      const account = await bank.funded(alice, '100.00');
      expect((await freeze(account.id)).status).toBe(200);

      const response = await unfreeze(account.id);

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: account.id, status: 'ACTIVE', balance: '100.00' });
      const deposit = await bank.deposit(alice, account.id, '10.00');
      expect(deposit.status).toBe(201);
      expect(deposit.body.balance).toBe('110.00');
      expect((await bank.withdraw(alice, account.id, '110.00')).status).toBe(201);
    });

    it.each([
      { what: 'no reason', body: {}, field: 'reason' },
      { what: 'an empty reason', body: { reason: '' }, field: 'reason' },
      { what: 'a reason that is not text', body: { reason: 42 }, field: 'reason' },
      { what: 'an unknown field', body: { reason: 'fraud', until: '2030-01-01' }, field: 'until' },
    ])('refuses a freeze with $what: 400 VALIDATION_FAILED naming $field, freezing nothing', async ({ body, field }) => {
      const account = await bank.open(alice);
      expectProblem(await freeze(account.id, body), 400, 'VALIDATION_FAILED', field);
      expect((await bank.account(alice, account.id)).status).toBe('ACTIVE');
    });

    it('refuses an unfreeze sent with a body, which the route takes none of: 400 VALIDATION_FAILED naming the field, the account still FROZEN', async () => {
      const account = await bank.funded(alice, '10.00');
      expect((await freeze(account.id)).status).toBe(200);

      const response = await unfreeze(account.id, { force: true });

      expectProblem(response, 400, 'VALIDATION_FAILED', 'force');
      expect(response.body).toMatchObject({ errors: [{ field: 'force', message: 'property force should not exist' }] });
      expect(await bank.account(alice, account.id)).toMatchObject({ status: 'FROZEN', version: account.version + 1 });
      expect((await unfreeze(account.id, {})).status).toBe(200);
    });

    it.each([
      { what: 'freeze', call: (id: string) => freeze(id) },
      { what: 'unfreeze', call: (id: string) => unfreeze(id) },
    ])('answers a $what of an unknown account with 404 ACCOUNT_NOT_FOUND, and of a malformed id with 400 naming id', async ({ call }) => {
      expectProblem(await call(randomUUID()), 404, 'ACCOUNT_NOT_FOUND');
      expectProblem(await call('42'), 400, 'VALIDATION_FAILED', 'id');
    });
  });

  describe('listing every account', () => {
    it('pages through all accounts of all owners, newest first, without overlap, ending with nextCursor null', async () => {
      const bob = await identity.mint({ roles: ['customer'] });
      await Promise.all([bank.open(alice, 'USD'), bank.open(bob, 'CNY'), bank.open(bob, 'EUR')]);
      const expected = await bank.query<{ id: string }>('SELECT id FROM accounts ORDER BY created_at DESC, id DESC');

      const seen: string[] = [];
      const pageSizes: number[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const response = await bank.api.get<Page<AccountView>>(`/api/admin/accounts${query}`, { token: admin });
        expect(response.status).toBe(200);
        seen.push(...response.body.items.map((account) => account.id));
        pageSizes.push(response.body.items.length);
        cursor = response.body.nextCursor;
      } while (cursor && pageSizes.length < 100);

      expect(expected.length).toBeGreaterThan(3);
      expect(seen).toEqual(expected.map((row) => row.id));
      expect(pageSizes.slice(0, -1).every((size) => size === 3)).toBe(true);
    });

    it('shows accounts in the public Account shape', async () => {
      const account = await bank.funded(alice, '1.50');
      const response = await bank.api.get<Page<AccountView>>('/api/admin/accounts?limit=100', { token: admin });
      expect(response.body.items).toContainEqual(account);
    });

    it.each([
      { query: '?cursor=abc', field: 'cursor' },
      { query: `?cursor=${Buffer.from(JSON.stringify({ createdAt: 'yesterday', id: 'x' })).toString('base64url')}`, field: 'cursor' },
      { query: '?limit=0', field: 'limit' },
      { query: '?limit=101', field: 'limit' },
    ])('refuses $query with 400 VALIDATION_FAILED naming $field', async ({ query, field }) => {
      expectProblem(await bank.api.get(`/api/admin/accounts${query}`, { token: admin }), 400, 'VALIDATION_FAILED', field);
    });
  });

  describe('bank-wide totals, on a service of their own so every number is known', () => {
    let fresh: TestService;
    let freshBank: AccountDriver;

    beforeAll(async () => {
      fresh = await startAccountService(identity);
      freshBank = new AccountDriver(fresh);
    });

    afterAll(async () => {
      await fresh?.stop();
    });

    it('answers an empty list before any account exists', async () => {
      const response = await freshBank.api.get('/api/admin/accounts/totals', { token: admin });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ items: [] });
    });

    it('sums accounts, balances, holds, deposits and withdrawals per currency, with balance == deposits - withdrawals', async () => {
      const bob = await identity.mint({ roles: ['customer'] });
      const ok = (response: { status: number; text: string }) => expect(response.status, response.text).toBeLessThan(300);

      // EUR: deposits 100.00 + 50.25 + 10.00 = 160.25, withdrawals 30.10, a 20.00 transfer between
      // the two accounts (nets to zero) and an open 5.00 hold.
      const eurA = await freshBank.open(alice, 'EUR');
      const eurB = await freshBank.open(bob, 'EUR');
      ok(await freshBank.deposit(alice, eurA.id, '100.00'));
      ok(await freshBank.deposit(alice, eurA.id, '50.25'));
      ok(await freshBank.withdraw(alice, eurA.id, '30.10'));
      ok(await freshBank.deposit(bob, eurB.id, '10.00'));
      const transfer = await freshBank.placeHold({ fromAccountId: eurA.id, toAccountId: eurB.id, amount: '20.00' });
      ok(transfer);
      ok(await freshBank.capture(transfer.body.id));
      ok(await freshBank.placeHold({ fromAccountId: eurB.id, toAccountId: eurA.id, amount: '5.00' }));
      // USD: deposits 1000.00, withdrawals 999.99.
      const usd = await freshBank.open(bob, 'USD');
      ok(await freshBank.deposit(bob, usd.id, '1000.00'));
      ok(await freshBank.withdraw(bob, usd.id, '999.99'));
      // CNY: two accounts, one refused withdrawal, no money.
      const cny = await freshBank.open(alice, 'CNY');
      await freshBank.open(bob, 'CNY');
      expect((await freshBank.withdraw(alice, cny.id, '1.00')).status).toBe(422);

      const response = await freshBank.api.get<{ items: CurrencyTotals[] }>('/api/admin/accounts/totals', { token: admin });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        items: [
          { currency: 'CNY', accounts: 2, balance: '0.00', held: '0.00', deposits: '0.00', withdrawals: '0.00' },
          { currency: 'EUR', accounts: 2, balance: '130.15', held: '5.00', deposits: '160.25', withdrawals: '30.10' },
          { currency: 'USD', accounts: 1, balance: '0.01', held: '0.00', deposits: '1000.00', withdrawals: '999.99' },
        ],
      });
    });
  });
});
