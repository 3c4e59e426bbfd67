import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaProbe } from '@bankshop/testing';
import { BankingStack, type Customer } from './banking-stack.ts';

/** The same contract, called directly and through the gateway: the gateway must change nothing. */
describe.each([
  { via: 'the services directly', viaGateway: false },
  { via: 'the gateway', viaGateway: true },
])('POST /api/transfers through $via: risk, prepare and commit', ({ viaGateway }) => {
  let stack: BankingStack;
  BankingStack.showServiceErrorsOnFailure(() => stack);
  let alice: Customer;
  let bob: Customer;
  let mallory: Customer;
  let aliceUsd: string;
  let bobUsd: string;
  let probe: KafkaProbe;

  beforeAll(async () => {
    stack = await BankingStack.start({ viaGateway, env: { risk: { RISK_MAX_AMOUNT: '5000.00' } } });
    [alice, bob, mallory] = await Promise.all([stack.customer(), stack.customer(), stack.customer()]);
    aliceUsd = await stack.openAccount(alice, 'USD', '1000.00');
    bobUsd = await stack.openAccount(bob, 'USD');
    probe = await new KafkaProbe().start(['transfer.events']);
  });

  afterAll(async () => {
    await probe?.stop();
    await stack?.stop();
  });

  it.each(['pessimistic', 'optimistic'])('completes in %s mode and moves exactly the amount', async (lockMode) => {
    const from = await stack.openAccount(alice, 'USD', '100.00');
    const to = await stack.openAccount(bob, 'USD');

    const response = await stack.transfer(alice, { fromAccountId: from, toAccountId: to, amount: '30.25', lockMode, description: 'rent' });

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      fromAccountId: from,
      toAccountId: to,
      amount: '30.25',
      currency: 'USD',
      status: 'COMPLETED',
      lockMode,
      risk: { decision: 'APPROVE', reasons: [] },
      description: 'rent',
    });
    expect(response.body.completedAt).toBeTruthy();
    expect(await stack.balance(alice, from)).toBe('69.75');
    expect(await stack.balance(bob, to)).toBe('30.25');

    const ledger = (await stack.api.get(`/api/accounts/${to}/ledger`, { token: bob.token })).body.items;
    expect(ledger).toEqual([expect.objectContaining({ type: 'TRANSFER_CREDIT', amount: '30.25', transferId: response.body.id })]);
  });

  it('defaults to pessimistic locking', async () => {
    const response = await stack.transfer(alice, { fromAccountId: aliceUsd, toAccountId: bobUsd, amount: '1.00' });
    expect(response.status).toBe(201);
    expect(response.body.lockMode).toBe('pessimistic');
  });

  it('lets either party and admins read it, and nobody else', async () => {
    const created = await stack.transfer(alice, { fromAccountId: aliceUsd, toAccountId: bobUsd, amount: '2.00' });
    const path = `/api/transfers/${created.body.id}`;
    expect((await stack.api.get(path, { token: alice.token })).body).toEqual(created.body);
    expect((await stack.api.get(path, { token: bob.token })).status).toBe(200);
    expect((await stack.api.get(path, { token: stack.adminToken })).status).toBe(200);
    const stranger = await stack.api.get(path, { token: mallory.token });
    expect(stranger.status).toBe(404);
    expect(stranger.body.code).toBe('TRANSFER_NOT_FOUND');
    expect((await stack.api.get(`/api/transfers/${randomUUID()}`, { token: alice.token })).body.code).toBe('TRANSFER_NOT_FOUND');
    expect((await stack.api.get('/api/transfers/not-a-uuid', { token: alice.token })).status).toBe(400);
  });

  describe('refuses bad input with 400 VALIDATION_FAILED naming the field, moving nothing', () => {
    it.each([
      ['a negative amount', '-1'],
      ['zero', '0'],
      ['three fraction digits', '0.001'],
      ['exponent form', '1e3'],
      ['a JSON number', 12.5],
      ['16 integer digits', '1234567890123456'],
      ['text', 'abc'],
    ])('%s', async (_what, amount) => {
      const response = await stack.transfer(alice, { fromAccountId: aliceUsd, toAccountId: bobUsd, amount });
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'amount' })] });
    });

    it('a missing field, an unknown field, a malformed id, an unknown lock mode, and null for an optional field', async () => {
      const cases = [
        { toAccountId: bobUsd, amount: '1.00' },
        { fromAccountId: aliceUsd, toAccountId: bobUsd, amount: '1.00', priority: 'high' },
        { fromAccountId: 'nope', toAccountId: bobUsd, amount: '1.00' },
        { fromAccountId: aliceUsd, toAccountId: bobUsd, amount: '1.00', lockMode: 'yolo' },
        { fromAccountId: aliceUsd, toAccountId: bobUsd, amount: '1.00', lockMode: null },
        { fromAccountId: aliceUsd, toAccountId: bobUsd, amount: '1.00', description: null },
      ];
      const fields = [];
      for (const body of cases) {
        const response = await stack.api.post('/api/transfers', { token: alice.token, idempotencyKey: randomUUID(), body });
        expect(response.status).toBe(400);
        fields.push(response.body.errors[0].field);
      }
      expect(fields).toEqual(['fromAccountId', 'priority', 'fromAccountId', 'lockMode', 'lockMode', 'description']);
    });
  });

  describe('business refusals (API.md error codes)', () => {
    it('404 ACCOUNT_NOT_FOUND for a source account that is not yours, exactly as for a missing one', async () => {
      const notYours = await stack.transfer(mallory, { fromAccountId: aliceUsd, toAccountId: bobUsd, amount: '1.00' });
      const missing = await stack.transfer(alice, { fromAccountId: aliceUsd, toAccountId: randomUUID(), amount: '1.00' });
      expect(notYours.status).toBe(404);
      expect(notYours.body.code).toBe('ACCOUNT_NOT_FOUND');
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('ACCOUNT_NOT_FOUND');
    });

    it('422 SAME_ACCOUNT', async () => {
      const response = await stack.transfer(alice, { fromAccountId: aliceUsd, toAccountId: aliceUsd, amount: '1.00' });
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('SAME_ACCOUNT');
    });

    it('422 CURRENCY_MISMATCH', async () => {
      const euros = await stack.openAccount(bob, 'EUR');
      const response = await stack.transfer(alice, { fromAccountId: aliceUsd, toAccountId: euros, amount: '1.00' });
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('CURRENCY_MISMATCH');
    });

    it('409 ACCOUNT_FROZEN when either account is frozen', async () => {
      const frozen = await stack.openAccount(bob, 'USD');
      await stack.api.post(`/api/admin/accounts/${frozen}/freeze`, { token: stack.adminToken, body: { reason: 'spec' } });
      const response = await stack.transfer(alice, { fromAccountId: aliceUsd, toAccountId: frozen, amount: '1.00' });
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('ACCOUNT_FROZEN');
    });

    it('422 INSUFFICIENT_FUNDS, with the transfer it recorded as REJECTED', async () => {
      const poor = await stack.openAccount(alice, 'USD', '5.00');
      const response = await stack.transfer(alice, { fromAccountId: poor, toAccountId: bobUsd, amount: '5.01' });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ code: 'INSUFFICIENT_FUNDS', transferId: expect.any(String) });
      const recorded = await stack.api.get(`/api/transfers/${response.body.transferId}`, { token: alice.token });
      expect(recorded.body).toMatchObject({ status: 'REJECTED', failureCode: 'INSUFFICIENT_FUNDS' });
      expect(await stack.balance(alice, poor)).toBe('5.00');
    });

    it('422 RISK_REJECTED above RISK_MAX_AMOUNT, recorded with the risk decision', async () => {
      const rich = await stack.openAccount(alice, 'USD', '9000.00');
      const response = await stack.transfer(alice, { fromAccountId: rich, toAccountId: bobUsd, amount: '5000.01' });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ code: 'RISK_REJECTED', transferId: expect.any(String), transferStatus: 'REJECTED' });
      const recorded = await stack.api.get(`/api/transfers/${response.body.transferId}`, { token: alice.token });
      expect(recorded.body).toMatchObject({ status: 'REJECTED', risk: { decision: 'REJECT', score: 1 } });
      expect(recorded.body.risk.reasons).toContain('MAX_AMOUNT');
      expect(await stack.balance(alice, rich)).toBe('9000.00');
    });
  });

  describe('Idempotency-Key', () => {
    it('is required', async () => {
      const response = await stack.api.post('/api/transfers', {
        token: alice.token,
        body: { fromAccountId: aliceUsd, toAccountId: bobUsd, amount: '1.00' },
      });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    });

    it('replays the first answer and moves the money once; a different body is 422', async () => {
      const from = await stack.openAccount(alice, 'USD', '50.00');
      const key = randomUUID();
      const body = { fromAccountId: from, toAccountId: bobUsd, amount: '10.00' };
      const first = await stack.transfer(alice, body, key);
      const replay = await stack.transfer(alice, body, key);
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(first.body);
      expect(await stack.balance(alice, from)).toBe('40.00');

      const reused = await stack.transfer(alice, { ...body, amount: '11.00' }, key);
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it('applies concurrent duplicates exactly once', async () => {
      const from = await stack.openAccount(alice, 'USD', '50.00');
      const key = randomUUID();
      const body = { fromAccountId: from, toAccountId: bobUsd, amount: '7.00' };
      const statuses = await Promise.all(Array.from({ length: 10 }, () => stack.transfer(alice, body, key).then((r) => r.status)));
      expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
      await expect.poll(() => stack.transfer(alice, body, key).then((r) => r.status)).toBe(201);
      expect(await stack.balance(alice, from)).toBe('43.00');
    });

    it('keeps a failed transfer failed when retried after the account was funded', async () => {
      const from = await stack.openAccount(alice, 'USD', '1.00');
      const key = randomUUID();
      const body = { fromAccountId: from, toAccountId: bobUsd, amount: '20.00' };
      const first = await stack.transfer(alice, body, key);
      await stack.deposit(alice, from, '100.00');
      const retry = await stack.transfer(alice, body, key);
      expect(first.status).toBe(422);
      expect(retry.status).toBe(422);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(await stack.balance(alice, from)).toBe('101.00');
    });
  });

  describe('GET /api/transfers', () => {
    it('lists transfers of an account to its owner, both directions, newest first, in pages', async () => {
      const mine = await stack.openAccount(alice, 'USD', '100.00');
      const theirs = await stack.openAccount(bob, 'USD', '100.00');
      const ids: string[] = [];
      for (const [owner, from, to] of [
        [alice, mine, theirs],
        [bob, theirs, mine],
        [alice, mine, theirs],
      ] as const) {
        ids.push((await stack.transfer(owner, { fromAccountId: from, toAccountId: to, amount: '1.00' })).body.id);
      }
      const first = await stack.api.get(`/api/transfers?accountId=${mine}&limit=2`, { token: alice.token });
      const second = await stack.api.get(`/api/transfers?accountId=${mine}&limit=2&cursor=${first.body.nextCursor}`, {
        token: alice.token,
      });
      expect([...first.body.items, ...second.body.items].map((item: { id: string }) => item.id)).toEqual(ids.reverse());
      expect(second.body.nextCursor).toBeNull();

      const stranger = await stack.api.get(`/api/transfers?accountId=${mine}`, { token: mallory.token });
      expect(stranger.body.items).toEqual([]);
      const admin = await stack.api.get(`/api/transfers?accountId=${mine}`, { token: stack.adminToken });
      expect(admin.body.items).toHaveLength(3);
    });
  });

  it('publishes transfer.completed.v1 and transfer.rejected.v1, keyed by transfer id', async () => {
    const done = await stack.transfer(alice, { fromAccountId: aliceUsd, toAccountId: bobUsd, amount: '3.00' });
    const poor = await stack.openAccount(alice, 'USD');
    const refused = await stack.transfer(alice, { fromAccountId: poor, toAccountId: bobUsd, amount: '3.00' });

    await probe.waitFor(() => probe.withKey(done.body.id).length > 0 && probe.withKey(refused.body.transferId).length > 0);
    expect(probe.withKey(done.body.id)[0]?.value).toMatchObject({
      type: 'transfer.completed.v1',
      payload: { transferId: done.body.id, amount: '3.00', currency: 'USD', fromAccountId: aliceUsd, toAccountId: bobUsd },
    });
    expect(probe.withKey(refused.body.transferId)[0]?.value).toMatchObject({
      type: 'transfer.rejected.v1',
      payload: { failureCode: 'INSUFFICIENT_FUNDS' },
    });
  });

  it('fails closed when risk is down: 503 UPSTREAM_UNAVAILABLE, transfer FAILED, nothing moved', async () => {
    const from = await stack.openAccount(alice, 'USD', '10.00');
    await stack.risk.service.stop();
    try {
      const response = await stack.transfer(alice, { fromAccountId: from, toAccountId: bobUsd, amount: '1.00' });
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBeTruthy();
      expect(response.body).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', transferId: expect.any(String) });
      const recorded = await stack.api.get(`/api/transfers/${response.body.transferId}`, { token: alice.token });
      expect(recorded.body).toMatchObject({ status: 'FAILED', failureCode: 'UPSTREAM_UNAVAILABLE' });
      expect(await stack.balance(alice, from)).toBe('10.00');
    } finally {
      await stack.risk.service.start();
    }
    // Stopping and starting a service: seconds on an idle machine, more when others share it.
  }, 120_000);
});
