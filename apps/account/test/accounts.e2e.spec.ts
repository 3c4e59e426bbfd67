import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestIdentityProvider, type TestService } from '@bankshop/testing';
import { AccountDriver, expectProblem, passesLuhn, startAccountService, total, type AccountView } from './support.ts';

describe('accounts and their ledger (API.md "Banking"), on the real account service', () => {
  const identity = new TestIdentityProvider();
  let service: TestService;
  let bank: AccountDriver;
  const aliceId = randomUUID();
  let alice: string;
  let mallory: string;
  let admin: string;

  beforeAll(async () => {
    await identity.start();
    service = await startAccountService(identity);
    bank = new AccountDriver(service);
    alice = await identity.mint({ sub: aliceId, roles: ['customer'] });
    mallory = await identity.mint({ roles: ['customer'] });
    admin = await identity.mint({ roles: ['admin'] });
  });

  afterAll(async () => {
    await service?.stop();
    await identity.stop();
  });

  describe('opening', () => {
    it('opens an empty ACTIVE account at version 1, owned by the caller, with a 16-digit Luhn-valid number', async () => {
      const response = await bank.api.post<AccountView>('/api/accounts', { token: alice, body: { currency: 'USD' } });

      expect(response.status).toBe(201);
      expect(response.headers['content-type']).toContain('application/json');
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
        number: expect.stringMatching(/^\d{16}$/),
        ownerId: aliceId,
        currency: 'USD',
        balance: '0.00',
        available: '0.00',
        status: 'ACTIVE',
        version: 1,
        createdAt: expect.any(String),
      });
      expect(passesLuhn(response.body.number)).toBe(true);
      expect(Number.isNaN(Date.parse(response.body.createdAt))).toBe(false);
    });

    it.each(['CNY', 'USD', 'EUR'] as const)('opens an account in %s', async (currency) => {
      const account = await bank.open(alice, currency);
      expect(account.currency).toBe(currency);
    });

    it('never hands out a number twice: 20 accounts opened at once get 20 distinct valid numbers', async () => {
      const accounts = await Promise.all(Array.from({ length: 20 }, () => bank.open(alice)));
      const numbers = accounts.map((account) => account.number);

      expect(new Set(numbers).size).toBe(20);
      expect(numbers.every((number) => /^\d{16}$/.test(number) && passesLuhn(number))).toBe(true);
    });

    it.each([
      { what: 'an unsupported currency', body: { currency: 'GBP' }, field: 'currency' },
      { what: 'a lower-case currency', body: { currency: 'eur' }, field: 'currency' },
      { what: 'no currency', body: {}, field: 'currency' },
      { what: 'an unknown field', body: { currency: 'EUR', overdraft: '100.00' }, field: 'overdraft' },
    ])('refuses $what with 400 VALIDATION_FAILED naming $field, opening nothing', async ({ body, field }) => {
      const owner = randomUUID();
      const token = await identity.mint({ sub: owner });

      const response = await bank.api.post('/api/accounts', { token, body });

      expectProblem(response, 400, 'VALIDATION_FAILED', field);
      const [row] = await bank.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts WHERE owner_id = $1', [owner]);
      expect(row!.n).toBe(0);
    });
  });

  describe('reading', () => {
    it("lists only the caller's own accounts, newest first", async () => {
      const token = await identity.mint({ sub: randomUUID() });
      const opened: AccountView[] = [];
      for (const currency of ['EUR', 'USD', 'CNY'] as const) {
        opened.push(await bank.open(token, currency));
        // Distinct creation instants, so "newest first" has exactly one right answer.
        await sleep(5);
      }
      await bank.open(mallory);

      const response = await bank.api.get<{ items: AccountView[] }>('/api/accounts', { token });

      expect(response.status).toBe(200);
      expect(response.body.items.map((account) => account.id)).toEqual(opened.reverse().map((account) => account.id));
    });

    it('answers an empty list to a customer without accounts', async () => {
      const token = await identity.mint({ sub: randomUUID() });
      const response = await bank.api.get('/api/accounts', { token });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ items: [] });
    });

    it('returns one of the caller\'s own accounts', async () => {
      const account = await bank.open(alice, 'CNY');
      const response = await bank.api.get<AccountView>(`/api/accounts/${account.id}`, { token: alice });
      expect(response.status).toBe(200);
      expect(response.body).toEqual(account);
    });

    it('lets an administrator read any account', async () => {
      const account = await bank.funded(alice, '42.00');
      const response = await bank.api.get<AccountView>(`/api/accounts/${account.id}`, { token: admin });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: account.id, ownerId: aliceId, balance: '42.00' });
    });

    it('answers 404 ACCOUNT_NOT_FOUND for an unknown id', async () => {
      expectProblem(await bank.api.get(`/api/accounts/${randomUUID()}`, { token: alice }), 404, 'ACCOUNT_NOT_FOUND');
    });
  });

  describe("another customer's account is indistinguishable from a missing one", () => {
    let account: AccountView;

    beforeAll(async () => {
      account = await bank.funded(alice, '100.00');
    });

    it.each([
      { what: 'a read', call: () => bank.api.get(`/api/accounts/${account.id}`, { token: mallory }) },
      { what: 'a deposit', call: () => bank.deposit(mallory, account.id, '5.00') },
      { what: 'a withdrawal', call: () => bank.withdraw(mallory, account.id, '5.00') },
      { what: 'a ledger read', call: () => bank.ledger(mallory, account.id) },
    ])('answers $what with 404 ACCOUNT_NOT_FOUND and changes nothing', async ({ call }) => {
      const response = await call();

      expectProblem(response, 404, 'ACCOUNT_NOT_FOUND');
      expect(response.text).not.toContain(account.number);
      expect(await bank.account(alice, account.id)).toMatchObject({ balance: '100.00', available: '100.00', version: account.version });
      expect((await bank.stored(account.id)).entries).toBe(1);
    });

    it('gives the same answer as for an id that does not exist', async () => {
      const foreign = await bank.api.get(`/api/accounts/${account.id}`, { token: mallory });
      const missing = await bank.api.get(`/api/accounts/${randomUUID()}`, { token: mallory });
      const { traceId: _foreignTrace, ...foreignBody } = foreign.body as Record<string, unknown>;
      const { traceId: _missingTrace, ...missingBody } = missing.body as Record<string, unknown>;
      expect(foreignBody).toEqual(missingBody);
    });

    it('leaves the account out of the other customer\'s list', async () => {
      const response = await bank.api.get<{ items: AccountView[] }>('/api/accounts', { token: mallory });
      expect(response.body.items.map((item) => item.id)).not.toContain(account.id);
    });
  });

  describe('malformed requests and callers', () => {
    it.each([
      { what: 'read', call: (id: string) => bank.api.get(`/api/accounts/${id}`, { token: alice }) },
      { what: 'deposit', call: (id: string) => bank.deposit(alice, id, '5.00') },
      { what: 'withdrawal', call: (id: string) => bank.withdraw(alice, id, '5.00') },
      { what: 'ledger', call: (id: string) => bank.ledger(alice, id) },
    ])('answers a $what with a malformed id in the path with 400 VALIDATION_FAILED naming id', async ({ call }) => {
      expectProblem(await call('not-a-uuid'), 400, 'VALIDATION_FAILED', 'id');
    });

    it.each([
      { what: 'POST /api/accounts', call: () => bank.api.post('/api/accounts', { body: { currency: 'EUR' } }) },
      { what: 'GET /api/accounts', call: () => bank.api.get('/api/accounts') },
      { what: 'GET /api/accounts/:id', call: () => bank.api.get(`/api/accounts/${randomUUID()}`) },
      {
        what: 'POST /api/accounts/:id/deposits',
        call: () => bank.api.post(`/api/accounts/${randomUUID()}/deposits`, { body: { amount: '1.00' }, idempotencyKey: randomUUID() }),
      },
      {
        what: 'POST /api/accounts/:id/withdrawals',
        call: () => bank.api.post(`/api/accounts/${randomUUID()}/withdrawals`, { body: { amount: '1.00' }, idempotencyKey: randomUUID() }),
      },
      { what: 'GET /api/accounts/:id/ledger', call: () => bank.api.get(`/api/accounts/${randomUUID()}/ledger`) },
    ])('answers $what without a token with 401 UNAUTHENTICATED', async ({ call }) => {
      expectProblem(await call(), 401, 'UNAUTHENTICATED');
    });

    it('answers 401 UNAUTHENTICATED to an expired token', async () => {
      const expired = await identity.mint({ sub: aliceId }, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
      expectProblem(await bank.api.get('/api/accounts', { token: expired }), 401, 'UNAUTHENTICATED');
    });
  });

  describe('the ledger', () => {
    let account: AccountView;

    beforeAll(async () => {
      account = await bank.open(alice);
      // Five movements: +100.00, +20.50, -30.25, +0.01, -50.00 → 40.26.
      for (const [kind, amount] of [
        ['deposit', '100.00'],
        ['deposit', '20.50'],
        ['withdraw', '30.25'],
        ['deposit', '0.01'],
        ['withdraw', '50.00'],
      ] as const) {
        const response = await bank[kind](alice, account.id, amount);
        expect(response.status, response.text).toBe(201);
      }
    });

    it('lists entries newest first, with signed amounts and the balance after each', async () => {
      const response = await bank.ledger(alice, account.id);

      expect(response.status).toBe(200);
      expect(response.body.nextCursor).toBeNull();
      expect(response.body.items.map(({ type, amount, balanceAfter }) => ({ type, amount, balanceAfter }))).toEqual([
        { type: 'WITHDRAWAL', amount: '-50.00', balanceAfter: '40.26' },
        { type: 'DEPOSIT', amount: '0.01', balanceAfter: '90.26' },
        { type: 'WITHDRAWAL', amount: '-30.25', balanceAfter: '90.25' },
        { type: 'DEPOSIT', amount: '20.50', balanceAfter: '120.50' },
        { type: 'DEPOSIT', amount: '100.00', balanceAfter: '100.00' },
      ]);
      for (const entry of response.body.items) {
        expect(entry).toEqual({
          id: expect.any(String),
          accountId: account.id,
          type: expect.any(String),
          amount: expect.any(String),
          balanceAfter: expect.any(String),
          createdAt: expect.any(String),
        });
      }
    });

    it('sums to the balance of the account', async () => {
      const entries = await bank.wholeLedger(alice, account.id);
      const current = await bank.account(alice, account.id);

      expect(total(entries.map((entry) => entry.amount))).toBe(current.balance);
      expect(current.balance).toBe('40.26');
      expect(await bank.stored(account.id)).toMatchObject({ balance: '40.26', ledgerSum: '40.26' });
    });

    it('pages with limit=2 without overlap or gaps, and ends with nextCursor null', async () => {
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const query: string = `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const response = await bank.ledger(alice, account.id, query);
        expect(response.status).toBe(200);
        pages.push(response.body.items.map((entry) => entry.id));
        cursor = response.body.nextCursor;
      } while (cursor && pages.length < 10);

      const all = (await bank.ledger(alice, account.id)).body.items.map((entry) => entry.id);
      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual(all);
      expect(new Set(pages.flat()).size).toBe(5);
    });

    it('lets an administrator read any ledger', async () => {
      const response = await bank.ledger(admin, account.id);
      expect(response.status).toBe(200);
      expect(response.body.items).toHaveLength(5);
    });

    it.each([
      { query: '?cursor=abc', field: 'cursor' },
      { query: `?cursor=${Buffer.from(JSON.stringify({ seq: 'x' })).toString('base64url')}`, field: 'cursor' },
      { query: '?limit=0', field: 'limit' },
      { query: '?limit=101', field: 'limit' },
      { query: '?limit=two', field: 'limit' },
      { query: '?limit=2&sort=asc', field: 'sort' },
    ])('refuses $query with 400 VALIDATION_FAILED naming $field', async ({ query, field }) => {
      expectProblem(await bank.ledger(alice, account.id, query), 400, 'VALIDATION_FAILED', field);
    });

    it('answers an empty ledger for a new account', async () => {
      const fresh = await bank.open(alice);
      const response = await bank.ledger(alice, fresh.id);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ items: [], nextCursor: null });
    });
  });
});
