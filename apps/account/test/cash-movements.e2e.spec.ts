import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestIdentityProvider, type TestService } from '@bankshop/testing';
import { AccountDriver, expectProblem, startAccountService, type AccountView, type CashMovementView } from './support.ts';

describe('deposits and withdrawals (API.md "Banking", "Money", "Idempotency"), on the real account service', () => {
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

  /** Asserts that the account still holds exactly `balance` and has `entries` ledger entries. */
  async function expectUnchanged(account: AccountView, balance: string, entries: number): Promise<void> {
    expect(await bank.account(alice, account.id)).toMatchObject({ balance, available: balance });
    expect(await bank.stored(account.id)).toMatchObject({ balance, ledgerSum: balance, entries });
  }

  const movements = [
    { movement: 'deposit', route: 'deposits', send: (token: string, id: string, amount: unknown, key?: string) => bank.deposit(token, id, amount, key) },
    { movement: 'withdrawal', route: 'withdrawals', send: (token: string, id: string, amount: unknown, key?: string) => bank.withdraw(token, id, amount, key) },
  ] as const;

  describe.each(movements)('money input of a $movement', ({ route, send }) => {
    let account: AccountView;

    beforeAll(async () => {
      account = await bank.funded(alice, '500.00');
    });

    it.each([
      { what: 'a negative amount', amount: '-1' },
      { what: 'zero', amount: '0' },
      { what: 'zero with cents', amount: '0.00' },
      { what: 'three fraction digits', amount: '0.001' },
      { what: 'exponent form', amount: '1e3' },
      { what: 'a JSON number', amount: 12.5 },
      { what: '16 integer digits', amount: '1234567890123456' },
      { what: 'letters', amount: 'abc' },
      { what: 'an empty string', amount: '' },
      { what: 'surrounding spaces', amount: ' 1.00 ' },
      { what: 'a decimal comma', amount: '1,50' },
      { what: 'null', amount: null },
    ])('refuses $what ($amount) with 400 VALIDATION_FAILED naming amount, changing nothing', async ({ amount }) => {
      expectProblem(await send(alice, account.id, amount), 400, 'VALIDATION_FAILED', 'amount');
      await expectUnchanged(account, '500.00', 1);
    });

    it('refuses a body without amount with 400 VALIDATION_FAILED naming amount, changing nothing', async () => {
      const response = await bank.api.post(`/api/accounts/${account.id}/${route}`, {
        token: alice,
        body: {},
        idempotencyKey: randomUUID(),
      });
      expectProblem(response, 400, 'VALIDATION_FAILED', 'amount');
      await expectUnchanged(account, '500.00', 1);
    });

    it('refuses an unknown field next to a valid amount with 400 VALIDATION_FAILED naming it, changing nothing', async () => {
      const response = await bank.api.post(`/api/accounts/${account.id}/${route}`, {
        token: alice,
        body: { amount: '1.00', currency: 'EUR' },
        idempotencyKey: randomUUID(),
      });
      expectProblem(response, 400, 'VALIDATION_FAILED', 'currency');
      await expectUnchanged(account, '500.00', 1);
    });

    it.each([
      ['12.5', '12.50'],
      ['7', '7.00'],
      ['0.01', '0.01'],
    ])('renders %s as %s, with exactly two fraction digits', async (sent, rendered) => {
      const response = await send(alice, account.id, sent);
      expect(response.status).toBe(201);
      expect(response.body.amount).toBe(rendered);
      expect(response.body.balance).toMatch(/^\d+\.\d{2}$/);
    });
  });

  describe('the deposit limit', () => {
    it('refuses a deposit above 1000000.00 with 400 VALIDATION_FAILED naming amount, changing nothing', async () => {
      const account = await bank.open(alice);
      expectProblem(await bank.deposit(alice, account.id, '1000000.01'), 400, 'VALIDATION_FAILED', 'amount');
      await expectUnchanged(account, '0.00', 0);
    });

    it('accepts a deposit of exactly 1000000.00', async () => {
      const account = await bank.open(alice);
      const response = await bank.deposit(alice, account.id, '1000000.00');
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ amount: '1000000.00', balance: '1000000.00' });
    });

    it('accepts a withdrawal above 1000000.00 when the money is there (the limit is on deposits)', async () => {
      const account = await bank.funded(alice, '1000000.00');
      expect((await bank.deposit(alice, account.id, '1000000.00')).status).toBe(201);
      const response = await bank.withdraw(alice, account.id, '1500000.00');
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ amount: '1500000.00', balance: '500000.00' });
    });
  });

  describe('moving money', () => {
    it('deposits: 201 with the ledger entry id, the account, the amount and the new balance', async () => {
      const account = await bank.open(alice);
      const response = await bank.deposit(alice, account.id, '80.25');

      expect(response.status).toBe(201);
      expect(response.body).toEqual({ id: expect.any(String), accountId: account.id, amount: '80.25', balance: '80.25' });
      const [entry] = (await bank.ledger(alice, account.id)).body.items;
      expect(entry).toMatchObject({ id: response.body.id, type: 'DEPOSIT', amount: '80.25', balanceAfter: '80.25' });
      expect(await bank.account(alice, account.id)).toMatchObject({ balance: '80.25', available: '80.25', version: 2 });
    });

    it('withdraws: 201 with the positive amount and the new balance', async () => {
      const account = await bank.funded(alice, '80.25');
      const response = await bank.withdraw(alice, account.id, '30.20');

      expect(response.status).toBe(201);
      expect(response.body).toEqual({ id: expect.any(String), accountId: account.id, amount: '30.20', balance: '50.05' });
      const [entry] = (await bank.ledger(alice, account.id)).body.items;
      expect(entry).toMatchObject({ id: response.body.id, type: 'WITHDRAWAL', amount: '-30.20', balanceAfter: '50.05' });
    });

    it('withdraws the whole balance down to 0.00', async () => {
      const account = await bank.funded(alice, '19.99');
      const response = await bank.withdraw(alice, account.id, '19.99');
      expect(response.status).toBe(201);
      expect(response.body.balance).toBe('0.00');
    });

    it('refuses a withdrawal beyond the balance with 422 INSUFFICIENT_FUNDS, changing nothing', async () => {
      const account = await bank.funded(alice, '50.00');
      expectProblem(await bank.withdraw(alice, account.id, '50.01'), 422, 'INSUFFICIENT_FUNDS');
      await expectUnchanged(account, '50.00', 1);
    });

    it('refuses a withdrawal of money reserved by a hold: only the available amount can be spent', async () => {
      const account = await bank.funded(alice, '100.00');
      const destination = await bank.open(alice);
      const hold = await bank.placeHold({ fromAccountId: account.id, toAccountId: destination.id, amount: '60.00' });
      expect(hold.status).toBe(201);

      expectProblem(await bank.withdraw(alice, account.id, '40.01'), 422, 'INSUFFICIENT_FUNDS');
      expect(await bank.account(alice, account.id)).toMatchObject({ balance: '100.00', available: '40.00' });
      expect((await bank.withdraw(alice, account.id, '40.00')).status).toBe(201);
      expect(await bank.account(alice, account.id)).toMatchObject({ balance: '60.00', available: '0.00' });
    });

    it('lets an administrator deposit into a customer account', async () => {
      const account = await bank.open(alice);
      const response = await bank.deposit(admin, account.id, '5.00');
      expect(response.status).toBe(201);
      expect(response.body.balance).toBe('5.00');
    });
  });

  describe('Idempotency-Key', () => {
    it.each(movements)('is required on a $movement: 400 IDEMPOTENCY_KEY_REQUIRED, changing nothing', async ({ route }) => {
      const account = await bank.funded(alice, '10.00');
      const response = await bank.api.post(`/api/accounts/${account.id}/${route}`, {
        token: alice,
        body: { amount: '1.00' },
      });
      expectProblem(response, 400, 'IDEMPOTENCY_KEY_REQUIRED');
      await expectUnchanged(account, '10.00', 1);
    });

    it.each(movements)('replays a $movement with the same key and body: same answer, Idempotent-Replayed, moved once', async ({ movement, send }) => {
      const account = await bank.funded(alice, '100.00');
      const key = randomUUID();

      const first = await send(alice, account.id, '25.00', key);
      const second = await send(alice, account.id, '25.00', key);

      expect(first.status).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(second.status).toBe(201);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.text).toBe(first.text);
      const balance = movement === 'deposit' ? '125.00' : '75.00';
      await expectUnchanged(account, balance, 2);
    });

    it.each(movements)('refuses the same key with another amount on a $movement: 422 IDEMPOTENCY_KEY_REUSED, moved once', async ({ movement, send }) => {
      const account = await bank.funded(alice, '100.00');
      const key = randomUUID();

      expect((await send(alice, account.id, '10.00', key)).status).toBe(201);
      expectProblem(await send(alice, account.id, '11.00', key), 422, 'IDEMPOTENCY_KEY_REUSED');
      await expectUnchanged(account, movement === 'deposit' ? '110.00' : '90.00', 2);
    });

    it('treats the same key on another account as a different request: 422 IDEMPOTENCY_KEY_REUSED', async () => {
      const first = await bank.open(alice);
      const second = await bank.open(alice);
      const key = randomUUID();

      expect((await bank.deposit(alice, first.id, '10.00', key)).status).toBe(201);
      expectProblem(await bank.deposit(alice, second.id, '10.00', key), 422, 'IDEMPOTENCY_KEY_REUSED');
      await expectUnchanged(second, '0.00', 0);
    });

    it('applies 10 concurrent identical deposits with one key exactly once', async () => {
      const account = await bank.open(alice);
      const key = randomUUID();

      const responses = await Promise.all(Array.from({ length: 10 }, () => bank.deposit(alice, account.id, '10.00', key)));

      const succeeded = responses.filter((response) => response.status === 201);
      const inProgress = responses.filter((response) => response.status === 409);
      expect(succeeded.length).toBeGreaterThanOrEqual(1);
      expect(succeeded.length + inProgress.length).toBe(10);
      for (const response of inProgress) expectProblem(response, 409, 'IDEMPOTENCY_IN_PROGRESS');
      expect(new Set(succeeded.map((response) => response.text)).size).toBe(1);
      await expectUnchanged(account, '10.00', 1);
    });

    it('replays a failed withdrawal as the same failure, even once the money is there', async () => {
      const account = await bank.open(alice);
      const key = randomUUID();

      const first = await bank.withdraw(alice, account.id, '30.00', key);
      expectProblem(first, 422, 'INSUFFICIENT_FUNDS');
      expect((await bank.deposit(alice, account.id, '100.00')).status).toBe(201);
      const retry = await bank.withdraw(alice, account.id, '30.00', key);

      expectProblem(retry, 422, 'INSUFFICIENT_FUNDS');
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.text).toBe(first.text);
      await expectUnchanged(account, '100.00', 1);
    });

    it('scopes keys per user: the owner and an administrator using one key make two deposits', async () => {
      const account = await bank.open(alice);
      const key = randomUUID();

      expect((await bank.deposit(alice, account.id, '10.00', key)).status).toBe(201);
      const byAdmin = await bank.deposit(admin, account.id, '10.00', key);

      expect(byAdmin.status).toBe(201);
      expect(byAdmin.headers['idempotent-replayed']).toBeUndefined();
      await expectUnchanged(account, '20.00', 2);
    });
  });

  describe('read-your-writes through the account cache', () => {
    it('shows every acknowledged deposit and withdrawal on the very next read, 30 times over', async () => {
      const account = await bank.open(alice);
      await bank.account(alice, account.id);
      for (let round = 1; round <= 30; round += 1) {
        const response: { status: number; body: CashMovementView } =
          round % 3 === 0 ? await bank.withdraw(alice, account.id, '1.00') : await bank.deposit(alice, account.id, '2.00');
        expect(response.status).toBe(201);
        const read = await bank.account(alice, account.id);
        expect(read, `round ${round}`).toMatchObject({ balance: response.body.balance, available: response.body.balance });
      }
      // 20 deposits of 2.00 and 10 withdrawals of 1.00.
      expect((await bank.account(alice, account.id)).balance).toBe('30.00');
    });

    it('shows a freeze and an unfreeze on the very next read, by the owner and by an administrator', async () => {
      const account = await bank.open(alice);
      await bank.account(alice, account.id);
      await bank.account(admin, account.id);

      const frozen = await bank.api.post(`/api/admin/accounts/${account.id}/freeze`, { token: admin, body: { reason: 'cache check' } });
      expect(frozen.status).toBe(200);
      expect((await bank.account(alice, account.id)).status).toBe('FROZEN');
      expect((await bank.account(admin, account.id)).status).toBe('FROZEN');

      const active = await bank.api.post(`/api/admin/accounts/${account.id}/unfreeze`, { token: admin });
      expect(active.status).toBe(200);
      expect((await bank.account(alice, account.id)).status).toBe('ACTIVE');
    });

    it('shows a placed hold, its capture and a void on the very next read of both accounts', async () => {
      const source = await bank.funded(alice, '100.00');
      const destination = await bank.open(alice);
      await bank.account(alice, source.id);
      await bank.account(alice, destination.id);

      for (let round = 1; round <= 5; round += 1) {
        const hold = await bank.placeHold({ fromAccountId: source.id, toAccountId: destination.id, amount: '10.00' });
        expect(hold.status).toBe(201);
        expect(await bank.account(alice, source.id)).toMatchObject({ available: `${100 - 10 * round}.00` });
        expect((await bank.capture(hold.body.id)).status).toBe(200);
        expect(await bank.account(alice, source.id)).toMatchObject({ balance: `${100 - 10 * round}.00`, available: `${100 - 10 * round}.00` });
        expect(await bank.account(alice, destination.id)).toMatchObject({ balance: `${10 * round}.00` });
      }

      const hold = await bank.placeHold({ fromAccountId: source.id, toAccountId: destination.id, amount: '10.00' });
      expect((await bank.account(alice, source.id)).available).toBe('40.00');
      expect((await bank.void(hold.body.id)).status).toBe(200);
      expect((await bank.account(alice, source.id)).available).toBe('50.00');
    });
  });
});
