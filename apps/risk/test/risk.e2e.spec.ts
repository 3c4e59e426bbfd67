import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope, RiskAssessmentRequest, RiskAssessmentResult, TransferOutcomeV1 } from '@bankshop/contracts';
import {
  KafkaProbe,
  localInfra,
  startTestService,
  TEST_INTERNAL_TOKEN,
  TestIdentityProvider,
  type TestService,
} from '@bankshop/testing';

/** Lower than the default 600, so a test can cross it. */
const MAX_TRANSFERS_PER_MIN = 5;

const HOUR_MS = 3_600_000;
const A_YEAR_AGO = new Date(Date.now() - 365 * 24 * HOUR_MS).toISOString();

interface AssessmentView {
  id: string;
  transferId: string;
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  currency: string;
  decision: string;
  score: number;
  reasons: string[];
  createdAt: string;
}

describe('the risk service, as a real process on PostgreSQL, Redis and Kafka', () => {
  const identity = new TestIdentityProvider();
  const riskEvents = new KafkaProbe();
  const kafka = new Kafka({ clientId: 'risk-e2e', brokers: localInfra.kafkaBrokers, logLevel: logLevel.NOTHING });
  const redis = new Redis(localInfra.redisUrl, { lazyConnect: true });
  let producer: Producer;
  let risk: TestService;
  let adminToken: string;
  let customerToken: string;

  beforeAll(async () => {
    await identity.start();
    [risk] = await Promise.all([
      startTestService({
        app: 'risk',
        jwksUrl: identity.jwksUrl,
        env: {
          RISK_MAX_TRANSFERS_PER_MIN: String(MAX_TRANSFERS_PER_MIN),
          // A group of its own: another risk process on this broker (another suite's) must not
          // be handed the partitions carrying this test's transfer events.
          KAFKA_GROUP_ID: `risk-e2e-${randomUUID()}`,
        },
      }),
      riskEvents.start(['risk.events']),
    ]);
    producer = kafka.producer();
    await producer.connect();
    await redis.connect();
    adminToken = await identity.mint({ roles: ['admin'] });
    customerToken = await identity.mint({ roles: ['customer'] });
  });

  afterAll(async () => {
    await producer?.disconnect();
    redis.disconnect();
    await riskEvents.stop();
    await risk?.stop();
    await identity.stop();
  });

  /** An ordinary transfer between two year-old active accounts, with fresh ids. */
  function transfer(overrides: Partial<RiskAssessmentRequest> = {}): RiskAssessmentRequest {
    return {
      transferId: randomUUID(),
      fromAccount: { id: randomUUID(), status: 'ACTIVE', createdAt: A_YEAR_AGO },
      toAccount: { id: randomUUID(), status: 'ACTIVE' },
      amount: '25.00',
      currency: 'EUR',
      ...overrides,
    };
  }

  function post(body: unknown, headers: Record<string, string> = { 'x-internal-token': TEST_INTERNAL_TOKEN }) {
    return fetch(`${risk.url}/internal/assessments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }

  async function assess(body: RiskAssessmentRequest): Promise<RiskAssessmentResult> {
    const response = await post(body);
    expect(response.status).toBe(200);
    return (await response.json()) as RiskAssessmentResult;
  }

  function listAssessments(query: string, token: string | null = adminToken) {
    return fetch(`${risk.url}/api/admin/assessments${query}`, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
  }

  async function page(query: string): Promise<{ items: AssessmentView[]; nextCursor: string | null }> {
    const response = await listAssessments(query);
    expect(response.status).toBe(200);
    return (await response.json()) as { items: AssessmentView[]; nextCursor: string | null };
  }

  describe('POST /internal/assessments is for other services only', () => {
    it.each<{ what: string; headers: Record<string, string> }>([
      { what: 'without X-Internal-Token', headers: {} },
      { what: 'with a wrong X-Internal-Token', headers: { 'x-internal-token': 'not-the-internal-token-at-all' } },
    ])('answers 401 UNAUTHENTICATED $what', async ({ headers }) => {
      const response = await post(transfer(), headers);

      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('answers 401 to a user, even an admin, without the internal token', async () => {
      const response = await post(transfer(), { authorization: `Bearer ${adminToken}` });

      expect(response.status).toBe(401);
    });

    it('assesses with the internal token: 200 with the RiskAssessmentResult', async () => {
      const request = transfer();

      const response = await post(request);

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        transferId: request.transferId,
        decision: 'APPROVE',
        score: 0,
        reasons: [],
      });
    });
  });

  describe('the rules, end to end', () => {
    it('approves exactly RISK_MAX_AMOUNT and rejects one cent more (MAX_AMOUNT)', async () => {
      const atMax = await assess(transfer({ amount: '1000000.00' }));
      const aboveMax = await assess(transfer({ amount: '1000000.01' }));

      expect(atMax).toMatchObject({ decision: 'APPROVE', score: 0, reasons: [] });
      expect(aboveMax).toMatchObject({ decision: 'REJECT', score: 1, reasons: ['MAX_AMOUNT'] });
    });

    it.each([
      { side: 'source', status: 'FROZEN' },
      { side: 'source', status: 'CLOSED' },
      { side: 'destination', status: 'FROZEN' },
      { side: 'destination', status: 'CLOSED' },
    ] as const)('rejects a transfer whose $side account is $status (FROZEN_ACCOUNT)', async ({ side, status }) => {
      const request = transfer();
      if (side === 'source') request.fromAccount.status = status;
      else request.toAccount.status = status;

      expect(await assess(request)).toMatchObject({ decision: 'REJECT', score: 1, reasons: ['FROZEN_ACCOUNT'] });
    });

    it(`rejects transfer ${MAX_TRANSFERS_PER_MIN + 1} from one account within a minute (VELOCITY), not another account's`, async () => {
      const busy = transfer().fromAccount;
      const decisions: string[] = [];
      for (let i = 0; i <= MAX_TRANSFERS_PER_MIN; i += 1) {
        decisions.push((await assess(transfer({ fromAccount: busy }))).decision);
      }
      const other = await assess(transfer());
      const busyAgain = await assess(transfer({ fromAccount: busy }));

      expect(decisions).toEqual([...Array<string>(MAX_TRANSFERS_PER_MIN).fill('APPROVE'), 'REJECT']);
      expect(busyAgain).toMatchObject({ decision: 'REJECT', score: 1, reasons: ['VELOCITY'] });
      expect(other).toMatchObject({ decision: 'APPROVE', reasons: [] });
    });

    it('counts a transfer assessed concurrently several times only once towards velocity', async () => {
      const first = transfer();
      // All at once, so several requests find no stored assessment and reach the counter.
      const duplicates = await Promise.all(Array.from({ length: 6 }, () => assess(first)));
      const counted = await redis.zcard(`risk:velocity:${first.fromAccount.id}`);
      const more: string[] = [];
      for (let i = 0; i < MAX_TRANSFERS_PER_MIN; i += 1) {
        more.push((await assess(transfer({ fromAccount: first.fromAccount }))).decision);
      }

      expect(new Set(duplicates.map((duplicate) => duplicate.id)).size).toBe(1);
      expect(counted).toBe(1);
      // The duplicates were one transfer: MAX_TRANSFERS_PER_MIN - 1 more fit in the minute, not one.
      expect(more).toEqual([...Array<string>(MAX_TRANSFERS_PER_MIN - 1).fill('APPROVE'), 'REJECT']);
    });

    it('scores a large first transfer from a new account (NEW_ACCOUNT_LARGE_FIRST_TRANSFER), approving it below the threshold', async () => {
      const newAccount = { id: randomUUID(), status: 'ACTIVE' as const, createdAt: new Date(Date.now() - HOUR_MS).toISOString() };

      const justBelow = await assess(transfer({ fromAccount: newAccount, amount: '9999.99' }));
      const large = await assess(transfer({ fromAccount: newAccount, amount: '10000.00' }));
      const fromOldAccount = await assess(transfer({ amount: '10000.00' }));

      expect(justBelow).toMatchObject({ decision: 'APPROVE', score: 0, reasons: [] });
      expect(large).toMatchObject({ decision: 'APPROVE', score: 0.6, reasons: ['NEW_ACCOUNT_LARGE_FIRST_TRANSFER'] });
      expect(fromOldAccount).toMatchObject({ score: 0, reasons: [] });
    });

    it('learns an account’s usual amount from transfer.completed.v1 (duplicates once) and scores far above it (AMOUNT_FAR_ABOVE_USUAL)', async () => {
      const account = transfer().fromAccount;
      const completed = (amount: string) => envelope('transfer.completed.v1', completedTransfer(account.id, amount));
      const [first, second, third] = [completed('10.00'), completed('20.00'), completed('30.00')];
      // One key for all, so they share a partition and are consumed in this order: by the time
      // the third is applied, the duplicate, the rejected transfer and the malformed event before
      // it have been handled too.
      await publishTransferEvents(account.id, [
        first,
        second,
        first,
        envelope('transfer.rejected.v1', completedTransfer(account.id, '5000.00')),
        envelope('transfer.completed.v1', { ...completedTransfer(account.id, '5000.00'), amount: 5000 }),
        third,
      ]);

      const profile = await waitForProfile(account.id, 3);
      const processed = await risk.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM processed_events WHERE consumer = 'risk-profiles' AND event_id = ANY($1::uuid[])`,
        [[first.eventId, second.eventId, third.eventId]],
      );
      // Three transfers averaging 20.00: ten times the usual is 200.00.
      const atTenTimes = await assess(transfer({ fromAccount: account, amount: '200.00' }));
      const aboveTenTimes = await assess(transfer({ fromAccount: account, amount: '200.01' }));

      expect(profile).toEqual({ completed_transfers: 3, total_amount: '60.00' });
      expect(processed[0]?.n).toBe(3);
      expect(atTenTimes).toMatchObject({ decision: 'APPROVE', score: 0, reasons: [] });
      expect(aboveTenTimes).toMatchObject({ decision: 'APPROVE', score: 0.5, reasons: ['AMOUNT_FAR_ABOVE_USUAL'] });
    }, 90_000);
  });

  describe('one assessment per transfer', () => {
    it('answers the same assessment when asked again, storing one row and publishing one event', async () => {
      const request = transfer({ amount: '1000000.01' });

      const first = await assess(request);
      const again = await assess(request);
      await riskEvents.waitFor(() => riskEvents.withKey(request.fromAccount.id).length > 0);
      // Give a second event, were there one, the time the relay needs to publish it.
      await sleep(500);
      const rows = await risk.query(`SELECT id FROM assessments WHERE transfer_id = $1`, [request.transferId]);

      expect(again).toEqual(first);
      expect(rows).toEqual([{ id: first.id }]);
      expect(riskEvents.withKey(request.fromAccount.id)).toHaveLength(1);
    });

    it('reads ids in any case: the same transfer in upper case is the same assessment, counted once', async () => {
      const request = transfer();
      const upper = {
        ...request,
        transferId: request.transferId.toUpperCase(),
        fromAccount: { ...request.fromAccount, id: request.fromAccount.id.toUpperCase() },
        toAccount: { ...request.toAccount, id: request.toAccount.id.toUpperCase() },
      };

      const first = await assess(request);
      const again = await assess(upper);

      expect(again).toEqual(first);
      expect(await redis.zcard(`risk:velocity:${request.fromAccount.id}`)).toBe(1);
    });

    it('refuses the same transfer id with a different amount: 422 IDEMPOTENCY_KEY_REUSED', async () => {
      const request = transfer();
      await assess(request);

      const response = await post({ ...request, amount: '999.00' });

      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', transferId: request.transferId });
    });
  });

  describe('invalid requests', () => {
    it.each([
      { what: 'a malformed transferId', body: { transferId: 'transfer-1' }, field: 'transferId' },
      { what: 'an amount with three decimals', body: { amount: '0.001' }, field: 'amount' },
      { what: 'an amount as a JSON number', body: { amount: 25 }, field: 'amount' },
      { what: 'an unsupported currency', body: { currency: 'GBP' }, field: 'currency' },
      { what: 'an unknown field', body: { note: 'hi' }, field: 'note' },
      { what: 'a missing source account', body: { fromAccount: undefined }, field: 'fromAccount' },
    ])('answers 400 VALIDATION_FAILED naming the field for $what', async ({ body, field }) => {
      const response = await post({ ...transfer(), ...body });

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await response.json()) as { code: string; errors: { field: string }[] };
      expect(problem.code).toBe('VALIDATION_FAILED');
      expect(problem.errors.map((error) => error.field)).toContain(field);
    });

    it.each([
      { what: 'a malformed source account id', fromAccount: { id: '42' }, field: 'fromAccount.id' },
      { what: 'an unknown account status', fromAccount: { status: 'OPEN' }, field: 'fromAccount.status' },
      { what: 'a createdAt that is not a date-time', fromAccount: { createdAt: 'yesterday' }, field: 'fromAccount.createdAt' },
      { what: 'a createdAt on a day that does not exist', fromAccount: { createdAt: '2025-02-30T12:00:00Z' }, field: 'fromAccount.createdAt' },
      { what: 'an unknown nested field', fromAccount: { iban: 'DE00' }, field: 'fromAccount.iban' },
    ])('answers 400 naming the nested field for $what', async ({ fromAccount, field }) => {
      const request = transfer();

      const response = await post({ ...request, fromAccount: { ...request.fromAccount, ...fromAccount } });

      expect(response.status).toBe(400);
      const problem = (await response.json()) as { errors: { field: string }[] };
      expect(problem.errors.map((error) => error.field)).toEqual([field]);
    });

    it('neither stores nor counts an invalid request', async () => {
      const request = transfer({ amount: '0.001' });

      await post(request);

      expect(await risk.query(`SELECT 1 FROM assessments WHERE transfer_id = $1`, [request.transferId])).toEqual([]);
      expect(await redis.exists(`risk:velocity:${request.fromAccount.id}`)).toBe(0);
    });
  });

  describe('risk.assessed.v1', () => {
    it('is published on risk.events, keyed by the source account, with the decision', async () => {
      const request = transfer({ toAccount: { id: randomUUID(), status: 'FROZEN' } });

      const result = await assess(request);
      await riskEvents.waitFor(() => riskEvents.withKey(request.fromAccount.id).length > 0);

      const [message] = riskEvents.withKey(request.fromAccount.id);
      expect(message?.topic).toBe('risk.events');
      expect(message?.value).toMatchObject({
        type: 'risk.assessed.v1',
        aggregateId: request.fromAccount.id,
        payload: {
          assessmentId: result.id,
          transferId: request.transferId,
          accountId: request.fromAccount.id,
          decision: 'REJECT',
          score: 1,
          reasons: ['FROZEN_ACCOUNT'],
        },
      });
    });
  });

  describe('GET /api/admin/assessments', () => {
    it('answers 401 without a token and 403 to a customer', async () => {
      const anonymous = await listAssessments('', null);
      const customer = await listAssessments('', customerToken);

      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(customer.status).toBe(403);
      expect(await customer.json()).toMatchObject({ code: 'FORBIDDEN' });
    });

    it('shows an assessment with its amount as a two-decimal string', async () => {
      const request = transfer({ amount: '12.5', currency: 'USD' });
      const result = await assess(request);

      const { items } = await page(`?accountId=${request.fromAccount.id}`);

      expect(items).toEqual([
        {
          id: result.id,
          transferId: request.transferId,
          fromAccountId: request.fromAccount.id,
          toAccountId: request.toAccount.id,
          amount: '12.50',
          currency: 'USD',
          decision: 'APPROVE',
          score: 0,
          reasons: [],
          createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        },
      ]);
    });

    it('pages one account’s assessments newest first, without overlap, and only that account’s', async () => {
      const account = transfer().fromAccount;
      const made: string[] = [];
      for (const amount of ['1.00', '2.00', '3.00']) {
        // Apart by a few milliseconds, so "newest first" has one right answer.
        await sleep(5);
        made.push((await assess(transfer({ fromAccount: account, amount }))).id);
      }
      await assess(transfer());

      const first = await page(`?accountId=${account.id}&limit=2`);
      const second = await page(`?accountId=${account.id}&limit=2&cursor=${first.nextCursor}`);

      expect(first.items.map((item) => item.id)).toEqual([made[2], made[1]]);
      expect(first.nextCursor).toEqual(expect.any(String));
      expect(second.items.map((item) => item.id)).toEqual([made[0]]);
      expect(second.nextCursor).toBeNull();
      expect([...first.items, ...second.items].every((item) => item.fromAccountId === account.id)).toBe(true);
    });

    it('lists every account’s assessments newest first without a filter', async () => {
      await sleep(5);
      const latest = await assess(transfer());

      const { items } = await page('?limit=5');

      expect(items).toHaveLength(5);
      expect(items[0]?.id).toBe(latest.id);
      const times = items.map((item) => item.createdAt);
      expect(times).toEqual([...times].sort().reverse());
    });

    it.each([
      { what: 'a malformed accountId', query: '?accountId=acc-1', field: 'accountId' },
      { what: 'a cursor it did not issue', query: '?cursor=bm90LWEtY3Vyc29y', field: 'cursor' },
      { what: 'a limit above 100', query: '?limit=101', field: 'limit' },
      { what: 'an unknown parameter', query: '?status=REJECT', field: 'status' },
    ])('answers 400 naming the parameter for $what', async ({ query, field }) => {
      const response = await listAssessments(query);

      expect(response.status).toBe(400);
      const problem = (await response.json()) as { code: string; errors: { field: string }[] };
      expect(problem.code).toBe('VALIDATION_FAILED');
      expect(problem.errors.map((error) => error.field)).toContain(field);
    });
  });

  function completedTransfer(fromAccountId: string, amount: string): TransferOutcomeV1 {
    return {
      transferId: randomUUID(),
      fromAccountId,
      toAccountId: randomUUID(),
      amount,
      currency: 'EUR',
      lockMode: 'pessimistic',
      initiatedBy: randomUUID(),
    };
  }

  function envelope(type: string, payload: unknown): EventEnvelope {
    return { eventId: randomUUID(), type, aggregateId: randomUUID(), occurredAt: new Date().toISOString(), payload };
  }

  async function publishTransferEvents(key: string, events: EventEnvelope[]): Promise<void> {
    await producer.send({
      topic: 'transfer.events',
      messages: events.map((event) => ({ key, value: JSON.stringify(event) })),
    });
  }

  /** Polls the risk database until the account's profile counts `transfers` completed transfers. */
  async function waitForProfile(accountId: string, transfers: number) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [profile] = await risk.query<{ completed_transfers: number; total_amount: string }>(
        `SELECT completed_transfers, total_amount FROM account_profiles WHERE account_id = $1`,
        [accountId],
      );
      if (profile && profile.completed_transfers >= transfers) return profile;
      if (Date.now() > deadline) throw new Error(`profile of ${accountId} did not reach ${transfers} transfers: ${JSON.stringify(profile)}`);
      await sleep(200);
    }
  }
});
