import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HoldView, LockMode } from '@bankshop/contracts';
import { TestIdentityProvider, type TestService } from '@bankshop/testing';
import { AccountDriver, expectProblem, startAccountService, type AccountView, type LedgerEntryView } from './support.ts';

describe('holds: the account side of a two-phase transfer (/internal/holds), on the real account service', () => {
  const identity = new TestIdentityProvider();
  let service: TestService;
  let bank: AccountDriver;
  let alice: string;
  let bob: string;
  let admin: string;

  beforeAll(async () => {
    await identity.start();
    service = await startAccountService(identity);
    bank = new AccountDriver(service);
    alice = await identity.mint({ roles: ['customer'] });
    bob = await identity.mint({ roles: ['customer'] });
    admin = await identity.mint({ roles: ['admin'] });
  });

  afterAll(async () => {
    await service?.stop();
    await identity.stop();
  });

  /** A source holding `amount` and an empty destination, both EUR, owned by different customers. */
  async function pair(amount = '100.00'): Promise<{ source: AccountView; destination: AccountView }> {
    const [source, destination] = await Promise.all([bank.funded(alice, amount), bank.open(bob)]);
    return { source, destination };
  }

  async function placed(request: Parameters<AccountDriver['placeHold']>[0]): Promise<HoldView> {
    const response = await bank.placeHold(request);
    expect(response.status, response.text).toBe(201);
    return response.body;
  }

  async function transferEntries(accountId: string, transferId: string): Promise<LedgerEntryView[]> {
    return (await bank.wholeLedger(admin, accountId)).filter((entry) => entry.transferId === transferId);
  }

  describe('are for other services only', () => {
    const routes = [
      { route: 'POST /internal/holds', method: 'POST', path: () => '/internal/holds', body: () => ({}) },
      { route: 'GET /internal/holds?transferId', method: 'GET', path: () => `/internal/holds?transferId=${randomUUID()}`, body: () => undefined },
      { route: 'GET /internal/holds/:id', method: 'GET', path: () => `/internal/holds/${randomUUID()}`, body: () => undefined },
      { route: 'POST /internal/holds/:id/capture', method: 'POST', path: () => `/internal/holds/${randomUUID()}/capture`, body: () => ({ lockMode: 'pessimistic' }) },
      { route: 'POST /internal/holds/:id/void', method: 'POST', path: () => `/internal/holds/${randomUUID()}/void`, body: () => undefined },
      { route: 'GET /internal/accounts/:id', method: 'GET', path: () => `/internal/accounts/${randomUUID()}`, body: () => undefined },
      { route: 'POST /internal/accounts', method: 'POST', path: () => '/internal/accounts', body: () => ({ ownerId: randomUUID(), currency: 'USD' }) },
    ] as const;

    it.each(routes)('answers $route without the internal token with 401 UNAUTHENTICATED', async ({ method, path, body }) => {
      expectProblem(await bank.internal(method, path(), body(), {}), 401, 'UNAUTHENTICATED');
    });

    it.each(routes)('answers $route with a wrong internal token with 401 UNAUTHENTICATED', async ({ method, path, body }) => {
      expectProblem(await bank.internal(method, path(), body(), { 'x-internal-token': 'not-the-internal-token-0123' }), 401, 'UNAUTHENTICATED');
    });

    it.each(routes)('answers $route to a valid bearer token of an administrator with 401 UNAUTHENTICATED', async ({ method, path, body }) => {
      expectProblem(await bank.internal(method, path(), body(), { authorization: `Bearer ${admin}` }), 401, 'UNAUTHENTICATED');
    });

    it('places no hold for a caller without the internal token', async () => {
      const { source, destination } = await pair();
      const request = { transferId: randomUUID(), fromAccountId: source.id, toAccountId: destination.id, amount: '10.00', lockMode: 'pessimistic' };
      expect((await bank.internal('POST', '/internal/holds', request, { authorization: `Bearer ${admin}` })).status).toBe(401);
      expect(await bank.account(alice, source.id)).toMatchObject({ balance: '100.00', available: '100.00' });
    });
  });

  describe('placing (prepare)', () => {
    it('reserves the amount: 201 OPEN, the source\'s available drops while its balance stays', async () => {
      const { source, destination } = await pair();
      const transferId = randomUUID();

      const response = await bank.placeHold({ transferId, fromAccountId: source.id, toAccountId: destination.id, amount: '30.50' });

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        transferId,
        fromAccountId: source.id,
        toAccountId: destination.id,
        amount: '30.50',
        currency: 'EUR',
        status: 'OPEN',
        expiresAt: expect.any(String),
      });
      expect(Date.parse(response.body.expiresAt)).toBeGreaterThan(Date.now());
      expect(await bank.account(alice, source.id)).toMatchObject({ balance: '100.00', available: '69.50' });
      expect(await bank.account(bob, destination.id)).toMatchObject({ balance: '0.00', available: '0.00' });
      expect(await bank.stored(source.id)).toMatchObject({ held: '30.50', entries: 1 });
    });

    it('reserves in optimistic mode too', async () => {
      const { source, destination } = await pair();
      await placed({ fromAccountId: source.id, toAccountId: destination.id, amount: '40.00', lockMode: 'optimistic' });
      expect(await bank.account(alice, source.id)).toMatchObject({ balance: '100.00', available: '60.00' });
    });

    it('answers a second placement of the same transfer with the same hold, reserving once', async () => {
      const { source, destination } = await pair();
      const request = { transferId: randomUUID(), fromAccountId: source.id, toAccountId: destination.id, amount: '25.00' };

      const first = await placed(request);
      const second = await bank.placeHold(request);

      expect(second.status).toBe(201);
      expect(second.body).toEqual(first);
      expect((await bank.account(alice, source.id)).available).toBe('75.00');
    });

    it.each(['pessimistic', 'optimistic'] as const)(
      'answers 10 concurrent placements of one transfer (%s) with one hold, reserving once',
      async (lockMode) => {
        const { source, destination } = await pair();
        const request = { transferId: randomUUID(), fromAccountId: source.id, toAccountId: destination.id, amount: '25.00', lockMode };

        const responses = await Promise.all(Array.from({ length: 10 }, () => bank.placeHold(request)));

        expect(responses.map((response) => response.status)).toEqual(Array(10).fill(201));
        expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
        expect(await bank.account(alice, source.id)).toMatchObject({ balance: '100.00', available: '75.00' });
        const holds = await bank.query('SELECT id FROM holds WHERE transfer_id = $1', [request.transferId]);
        expect(holds).toHaveLength(1);
      },
    );

    it('refuses an amount above the available balance with 422 INSUFFICIENT_FUNDS, reserving nothing', async () => {
      const { source, destination } = await pair();
      await placed({ fromAccountId: source.id, toAccountId: destination.id, amount: '70.00' });

      const transferId = randomUUID();
      expectProblem(await bank.placeHold({ transferId, fromAccountId: source.id, toAccountId: destination.id, amount: '30.01' }), 422, 'INSUFFICIENT_FUNDS');

      expect(await bank.account(alice, source.id)).toMatchObject({ balance: '100.00', available: '30.00' });
      expect(await bank.query('SELECT id FROM holds WHERE transfer_id = $1', [transferId])).toEqual([]);
    });

    it('refuses a transfer to the same account with 422 SAME_ACCOUNT', async () => {
      const { source } = await pair();
      expectProblem(await bank.placeHold({ fromAccountId: source.id, toAccountId: source.id }), 422, 'SAME_ACCOUNT');
      expect((await bank.account(alice, source.id)).available).toBe('100.00');
    });

    it('refuses the same account spelled in two letter cases with 422 SAME_ACCOUNT (UUIDs are case-insensitive)', async () => {
      const { source } = await pair();

      const response = await bank.placeHold({ fromAccountId: source.id, toAccountId: source.id.toUpperCase() });

      expectProblem(response, 422, 'SAME_ACCOUNT');
      expect(await bank.stored(source.id)).toMatchObject({ balance: '100.00', held: '0.00' });
    });

    it('finds accounts named by upper-case UUIDs, as the path routes do', async () => {
      const { source, destination } = await pair();

      const response = await bank.placeHold({ fromAccountId: source.id.toUpperCase(), toAccountId: destination.id.toUpperCase(), amount: '10.00' });

      expect(response.status, response.text).toBe(201);
      expect(response.body).toMatchObject({ fromAccountId: source.id, toAccountId: destination.id, status: 'OPEN' });
      expect((await bank.account(alice, source.id)).available).toBe('90.00');
    });

    it('refuses accounts of different currencies with 422 CURRENCY_MISMATCH', async () => {
      const { source } = await pair();
      const dollars = await bank.open(bob, 'USD');
      expectProblem(await bank.placeHold({ fromAccountId: source.id, toAccountId: dollars.id }), 422, 'CURRENCY_MISMATCH');
      expect((await bank.account(alice, source.id)).available).toBe('100.00');
    });

    it.each([
      { side: 'destination', frozen: (accounts: { source: AccountView; destination: AccountView }) => accounts.destination },
      { side: 'source', frozen: (accounts: { source: AccountView; destination: AccountView }) => accounts.source },
    ])('refuses a frozen $side with 409 ACCOUNT_FROZEN, reserving nothing', async ({ frozen }) => {
      const accounts = await pair();
      const freeze = await bank.api.post(`/api/admin/accounts/${frozen(accounts).id}/freeze`, { token: admin, body: { reason: 'test' } });
      expect(freeze.status).toBe(200);

      expectProblem(await bank.placeHold({ fromAccountId: accounts.source.id, toAccountId: accounts.destination.id }), 409, 'ACCOUNT_FROZEN');
      expect(await bank.stored(accounts.source.id)).toMatchObject({ balance: '100.00', held: '0.00' });
    });

    it.each([
      { side: 'source', request: (destination: AccountView) => ({ fromAccountId: randomUUID(), toAccountId: destination.id }) },
      { side: 'destination', request: (source: AccountView) => ({ fromAccountId: source.id, toAccountId: randomUUID() }) },
    ])('answers an unknown $side with 404 ACCOUNT_NOT_FOUND', async ({ request }) => {
      const { source } = await pair();
      expectProblem(await bank.placeHold(request(source)), 404, 'ACCOUNT_NOT_FOUND');
      expect((await bank.account(alice, source.id)).available).toBe('100.00');
    });

    it.each([
      { what: 'a zero amount', change: { amount: '0.00' }, field: 'amount' },
      { what: 'a JSON number amount', change: { amount: 10 }, field: 'amount' },
      { what: 'an unknown lock mode', change: { lockMode: 'none' }, field: 'lockMode' },
      { what: 'a transfer id that is not a UUID', change: { transferId: 'transfer-1' }, field: 'transferId' },
      { what: 'an unknown field', change: { description: 'rent' }, field: 'description' },
    ])('refuses $what with 400 VALIDATION_FAILED naming $field', async ({ change, field }) => {
      const { source, destination } = await pair();
      const request = { transferId: randomUUID(), fromAccountId: source.id, toAccountId: destination.id, amount: '10.00', lockMode: 'pessimistic', ...change };
      expectProblem(await bank.internal('POST', '/internal/holds', request), 400, 'VALIDATION_FAILED', field);
      expect((await bank.account(alice, source.id)).available).toBe('100.00');
    });
  });

  describe.each(['pessimistic', 'optimistic'] as const)('capturing (commit), %s', (lockMode: LockMode) => {
    let source: AccountView;
    let destination: AccountView;
    let hold: HoldView;
    let captured: Awaited<ReturnType<AccountDriver['capture']>>;

    beforeAll(async () => {
      ({ source, destination } = await pair());
      expect((await bank.deposit(bob, destination.id, '5.00')).status).toBe(201);
      hold = await placed({ fromAccountId: source.id, toAccountId: destination.id, amount: '40.10', lockMode });
      captured = await bank.capture(hold.id, lockMode);
    });

    it('answers 200 with the hold CAPTURED', () => {
      expect(captured.status).toBe(200);
      expect(captured.body).toEqual({ ...hold, status: 'CAPTURED' });
    });

    it('moves exactly the amount: out of the source\'s balance, into the destination\'s, nothing left held', async () => {
      expect(await bank.account(alice, source.id)).toMatchObject({ balance: '59.90', available: '59.90' });
      expect(await bank.account(bob, destination.id)).toMatchObject({ balance: '45.10', available: '45.10' });
      expect(await bank.stored(source.id)).toMatchObject({ balance: '59.90', held: '0.00', ledgerSum: '59.90' });
      expect(await bank.stored(destination.id)).toMatchObject({ balance: '45.10', held: '0.00', ledgerSum: '45.10' });
    });

    it('writes one TRANSFER_DEBIT and one TRANSFER_CREDIT naming the transfer, with the balance after each', async () => {
      expect(await transferEntries(source.id, hold.transferId)).toEqual([
        expect.objectContaining({ type: 'TRANSFER_DEBIT', amount: '-40.10', balanceAfter: '59.90', transferId: hold.transferId }),
      ]);
      expect(await transferEntries(destination.id, hold.transferId)).toEqual([
        expect.objectContaining({ type: 'TRANSFER_CREDIT', amount: '40.10', balanceAfter: '45.10', transferId: hold.transferId }),
      ]);
    });

    it('captures again idempotently: 200 CAPTURED, no second movement', async () => {
      const again = await bank.capture(hold.id, lockMode);

      expect(again.status).toBe(200);
      expect(again.body.status).toBe('CAPTURED');
      expect(await bank.stored(source.id)).toMatchObject({ balance: '59.90', entries: 2 });
      expect(await bank.stored(destination.id)).toMatchObject({ balance: '45.10', entries: 2 });
    });

    it('refuses to void a captured hold with 409 HOLD_NOT_OPEN, changing nothing', async () => {
      expectProblem(await bank.void(hold.id), 409, 'HOLD_NOT_OPEN');
      expect((await bank.hold(hold.id)).body.status).toBe('CAPTURED');
      expect(await bank.stored(source.id)).toMatchObject({ balance: '59.90', held: '0.00' });
    });
  });

  it.each(['pessimistic', 'optimistic'] as const)('captures exactly once under 10 concurrent %s captures of one hold', async (lockMode) => {
    const { source, destination } = await pair();
    const hold = await placed({ fromAccountId: source.id, toAccountId: destination.id, amount: '10.00' });

    const responses = await Promise.all(Array.from({ length: 10 }, () => bank.capture(hold.id, lockMode)));

    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(await bank.stored(source.id)).toMatchObject({ balance: '90.00', held: '0.00', entries: 2 });
    expect(await bank.stored(destination.id)).toMatchObject({ balance: '10.00', entries: 1 });
  });

  it('refuses to capture onto an account frozen after the hold was placed: 409 ACCOUNT_FROZEN, the hold stays OPEN', async () => {
    const { source, destination } = await pair();
    const hold = await placed({ fromAccountId: source.id, toAccountId: destination.id, amount: '10.00' });
    expect((await bank.api.post(`/api/admin/accounts/${destination.id}/freeze`, { token: admin, body: { reason: 'x' } })).status).toBe(200);

    expectProblem(await bank.capture(hold.id), 409, 'ACCOUNT_FROZEN');

    expect((await bank.hold(hold.id)).body.status).toBe('OPEN');
    expect(await bank.stored(source.id)).toMatchObject({ balance: '100.00', held: '10.00', entries: 1 });
    expect(await bank.stored(destination.id)).toMatchObject({ balance: '0.00', entries: 0 });
  });

  describe('voiding (abort)', () => {
    it('releases the reservation: 200 VOIDED and the available amount restored, nothing moved', async () => {
      const { source, destination } = await pair();
      const hold = await placed({ fromAccountId: source.id, toAccountId: destination.id, amount: '60.00' });
      expect((await bank.account(alice, source.id)).available).toBe('40.00');

      const voided = await bank.void(hold.id);

      expect(voided.status).toBe(200);
      expect(voided.body).toEqual({ ...hold, status: 'VOIDED' });
      expect(await bank.account(alice, source.id)).toMatchObject({ balance: '100.00', available: '100.00' });
      expect(await bank.stored(source.id)).toMatchObject({ held: '0.00', entries: 1 });
      expect(await bank.stored(destination.id)).toMatchObject({ balance: '0.00', entries: 0 });
    });

    it('voids again without complaint and without releasing twice', async () => {
      const { source, destination } = await pair();
      await placed({ fromAccountId: source.id, toAccountId: destination.id, amount: '20.00' });
      const hold = await placed({ fromAccountId: source.id, toAccountId: destination.id, amount: '30.00' });

      expect((await bank.void(hold.id)).status).toBe(200);
      const again = await bank.void(hold.id);

      expect(again.status).toBe(200);
      expect(again.body.status).toBe('VOIDED');
      expect(await bank.account(alice, source.id)).toMatchObject({ balance: '100.00', available: '80.00' });
    });

    it('refuses to capture a voided hold with 409 HOLD_NOT_OPEN, moving nothing', async () => {
      const { source, destination } = await pair();
      const hold = await placed({ fromAccountId: source.id, toAccountId: destination.id, amount: '20.00' });
      expect((await bank.void(hold.id)).status).toBe(200);

      expectProblem(await bank.capture(hold.id), 409, 'HOLD_NOT_OPEN');
      expectProblem(await bank.capture(hold.id, 'optimistic'), 409, 'HOLD_NOT_OPEN');

      expect(await bank.stored(source.id)).toMatchObject({ balance: '100.00', held: '0.00', entries: 1 });
      expect(await bank.stored(destination.id)).toMatchObject({ balance: '0.00', entries: 0 });
    });

    it.each(['pessimistic', 'optimistic'] as const)(
      'lets exactly one of a %s capture and a void racing for the same hold win; the loser gets 409 HOLD_NOT_OPEN',
      async (lockMode) => {
        const { source, destination } = await pair();
        const holds = await Promise.all(
          Array.from({ length: 10 }, () => placed({ fromAccountId: source.id, toAccountId: destination.id, amount: '10.00' })),
        );

        const outcomes = await Promise.all(holds.map((hold) => Promise.all([bank.capture(hold.id, lockMode), bank.void(hold.id)])));

        let capturedCount = 0;
        for (const [capture, voiding] of outcomes) {
          expect([capture.status, voiding.status].sort(), `capture: ${capture.text} / void: ${voiding.text}`).toEqual([200, 409]);
          const loser = capture.status === 200 ? voiding : capture;
          expectProblem(loser, 409, 'HOLD_NOT_OPEN');
          if (capture.status === 200) capturedCount += 1;
        }
        const moved = `${10 * capturedCount}.00`;
        expect(await bank.stored(destination.id)).toMatchObject({ balance: moved, ledgerSum: moved });
        expect(await bank.stored(source.id)).toMatchObject({ balance: `${100 - 10 * capturedCount}.00`, held: '0.00' });
      },
    );
  });

  describe('finding', () => {
    it('finds a hold by id and by its transfer id', async () => {
      const { source, destination } = await pair();
      const hold = await placed({ fromAccountId: source.id, toAccountId: destination.id, amount: '10.00' });

      const byId = await bank.hold(hold.id);
      const byTransfer = await bank.internal<HoldView>('GET', `/internal/holds?transferId=${hold.transferId}`);

      expect(byId.status).toBe(200);
      expect(byId.body).toEqual(hold);
      expect(byTransfer.status).toBe(200);
      expect(byTransfer.body).toEqual(hold);
    });

    it.each([
      { what: 'GET by id', call: () => bank.hold(randomUUID()) },
      { what: 'GET by transfer id', call: () => bank.internal('GET', `/internal/holds?transferId=${randomUUID()}`) },
      { what: 'capture', call: () => bank.capture(randomUUID()) },
      { what: 'void', call: () => bank.void(randomUUID()) },
    ])('answers $what of an unknown hold with 404 HOLD_NOT_FOUND', async ({ call }) => {
      expectProblem(await call(), 404, 'HOLD_NOT_FOUND');
    });

    it.each([
      { what: 'a malformed hold id', call: () => bank.hold('hold-1'), field: 'id' },
      { what: 'a malformed transfer id', call: () => bank.internal('GET', '/internal/holds?transferId=nope'), field: 'transferId' },
      { what: 'no transfer id', call: () => bank.internal('GET', '/internal/holds'), field: 'transferId' },
      { what: 'a capture without a lock mode', call: () => bank.internal('POST', `/internal/holds/${randomUUID()}/capture`, {}), field: 'lockMode' },
    ])('answers $what with 400 VALIDATION_FAILED naming $field', async ({ call, field }) => {
      expectProblem(await call(), 400, 'VALIDATION_FAILED', field);
    });

    it('tells other services the facts of an account, and nothing more', async () => {
      const account = await bank.funded(alice, '12.00');
      const response = await bank.internal('GET', `/internal/accounts/${account.id}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ id: account.id, ownerId: account.ownerId, currency: 'EUR', status: 'ACTIVE', createdAt: account.createdAt });
      expectProblem(await bank.internal('GET', `/internal/accounts/${randomUUID()}`), 404, 'ACCOUNT_NOT_FOUND');
    });

    it('opens exactly one account for a system owner per currency, however many ask at once', async () => {
      const merchant = randomUUID();
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => bank.internal<{ id: string }>('POST', '/internal/accounts', { ownerId: merchant, currency: 'USD' })),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
      expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
      expect(answers[0]!.body).toMatchObject({ ownerId: merchant, currency: 'USD', status: 'ACTIVE' });
      const euro = await bank.internal<{ id: string }>('POST', '/internal/accounts', { ownerId: merchant, currency: 'EUR' });
      expect(euro.body.id).not.toBe(answers[0]!.body.id);
      expect((await bank.internal<{ id: string }>('POST', '/internal/accounts', { ownerId: merchant, currency: 'USD' })).body.id).toBe(answers[0]!.body.id);
    });

    it('answers a system account request naming no owner or an unknown currency with 400', async () => {
      expectProblem(await bank.internal('POST', '/internal/accounts', { ownerId: 'merchant', currency: 'USD' }), 400, 'VALIDATION_FAILED', 'ownerId');
      expectProblem(await bank.internal('POST', '/internal/accounts', { ownerId: randomUUID(), currency: 'GBP' }), 400, 'VALIDATION_FAILED', 'currency');
    });
  });
});
