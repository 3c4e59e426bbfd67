import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaProbe, OtlpReceiver, SystemStack, TEST_INTERNAL_TOKEN, until, type StackCustomer, type TestService } from '@bankshop/testing';
import { cardCharge, chargeKey, chargesTakenFor, outcomesRecorded, PaymentsApi, refundKey } from './support.ts';

/**
 * Card payments against the real payment service and its simulated card provider (the one thing
 * truly outside the system), on real PostgreSQL and Kafka.
 */
describe('payment: card payments (real service, database, Kafka, simulated provider)', () => {
  let stack: SystemStack;
  let payment: TestService;
  let payments: PaymentsApi;
  let probe: KafkaProbe;
  const receiver = new OtlpReceiver();

  beforeAll(async () => {
    probe = await new KafkaProbe().start(['payment.events', 'audit.events']);
    stack = await SystemStack.start({
      services: ['payment'],
      otlpEndpoint: await receiver.start(),
      // Small enough that tok_timeout is decided in seconds, large enough that a busy machine's
      // slow answers are not mistaken for a provider that never answers.
      env: { payment: { CARD_PROVIDER_TIMEOUT_MS: '3000', RECOVERY_INTERVAL_MS: '250' } },
    });
    payment = stack.service('payment');
    payments = new PaymentsApi(payment);
  });

  afterAll(async () => {
    await stack?.stop();
    await probe?.stop();
    await receiver.stop();
  });

  describe('a charge, by test token', () => {
    it('captures tok_visa: 201 CAPTURED with the provider’s charge id, charged once', async () => {
      const body = cardCharge({ amount: '25.5' });
      const answer = await payments.charge(chargeKey(), body);

      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({
        id: expect.any(String),
        orderId: body.orderId,
        userId: body.userId,
        method: 'card',
        amount: '25.50',
        currency: 'USD',
        status: 'CAPTURED',
        providerRef: expect.stringMatching(/^ch_[0-9a-f]{24}$/),
        failureReason: null,
        createdAt: expect.any(String),
      });
      expect(await payments.providerCharge(answer.body.id)).toMatchObject({ id: answer.body.providerRef, status: 'succeeded' });
      expect(await chargesTakenFor(payment, body.orderId)).toBe(1);
    });

    it.each([
      { token: 'tok_chargeDeclined', what: 'a declined card' },
      { token: 'tok_unknown_card', what: 'an unknown token' },
    ])('declines $what: 201 DECLINED, PAYMENT_DECLINED, nothing taken', async ({ token }) => {
      const body = cardCharge({ token });
      const answer = await payments.charge(chargeKey(), body);

      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ status: 'DECLINED', failureReason: 'PAYMENT_DECLINED' });
      expect(await payments.providerCharge(answer.body.id)).toMatchObject({ status: 'declined' });
      expect(await chargesTakenFor(payment, body.orderId)).toBe(0);
    });

    it('fails tok_processingError after the provider’s 5xx were retried: FAILED, PAYMENT_FAILED, nothing taken', async () => {
      const body = cardCharge({ token: 'tok_processingError' });
      const answer = await payments.charge(chargeKey(), body);

      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ status: 'FAILED', failureReason: 'PAYMENT_FAILED', providerRef: null });
      // The charge was cancelled by its key: it can never go through now.
      expect(await payments.providerCharge(answer.body.id)).toMatchObject({ status: 'canceled' });
      expect(await chargesTakenFor(payment, body.orderId)).toBe(0);
    });

    it('fails tok_timeout after its timeout: FAILED, PAYMENT_FAILED, and the provider never charges it', async () => {
      const key = chargeKey();
      const body = cardCharge({ token: 'tok_timeout' });
      const started = Date.now();
      const answer = await payments.charge(key, body);

      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ status: 'FAILED', failureReason: 'PAYMENT_FAILED' });
      // One timeout (CARD_PROVIDER_TIMEOUT_MS = 3000), not retried, then the status check: well
      // inside the order service's patience (PAYMENT_TIMEOUT_MS, 20 s).
      expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(await payments.providerCharge(answer.body.id)).toMatchObject({ status: 'canceled', refunded: false });
      // Asked again later: still not charged, and the same answer for the key.
      expect((await payments.charge(key, body)).body).toMatchObject({ id: answer.body.id, status: 'FAILED' });
      expect(await payments.providerCharge(answer.body.id)).toMatchObject({ status: 'canceled' });
      expect(await chargesTakenFor(payment, body.orderId)).toBe(0);
    });

    it('captures tok_timeoutAfterCharge, charged but never answered: the check after the timeout finds the charge, taken once', async () => {
      const key = chargeKey();
      const body = cardCharge({ token: 'tok_timeoutAfterCharge' });
      const started = Date.now();
      const answer = await payments.charge(key, body);

      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ status: 'CAPTURED', failureReason: null, providerRef: expect.stringMatching(/^ch_/) });
      // Decided by asking after the timeout: the charge's own answer never came.
      expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
      expect(await payments.providerCharge(answer.body.id)).toMatchObject({ id: answer.body.providerRef, status: 'succeeded', refunded: false });
      expect((await payments.charge(key, body)).body).toEqual(answer.body);
      expect(await chargesTakenFor(payment, body.orderId)).toBe(1);
    });
  });

  describe('a refund while its charge still waits on the provider', () => {
    /** Starts a charge and waits until its payment is recorded PENDING, the provider not having answered. */
    async function chargeInFlight(token: string) {
      const key = chargeKey();
      const body = cardCharge({ token });
      const charging = payments.charge(key, body);
      const pending = await until(() => payments.lookup(key), (answer) => answer.status === 200, 'payment recorded');
      expect(pending.body.status).toBe('PENDING');
      return { key, body, charging, paymentId: pending.body.id };
    }

    it('waits for a charge the provider made (409 meanwhile, nothing moved), then refunds it once', async () => {
      const { key, body, charging, paymentId } = await chargeInFlight('tok_timeoutAfterCharge');
      await until(() => payments.providerCharge(paymentId), (charge) => charge !== null, 'charge at the provider');
      const refund = refundKey();

      const early = await payments.refund(refund, key);
      expect(early.status).toBe(409);
      expect(early.body).toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS', paymentId });
      expect((await payments.lookup(key)).body.status).toBe('PENDING');
      expect(await payments.providerCharge(paymentId)).toMatchObject({ status: 'succeeded', refunded: false });

      expect((await charging).body).toMatchObject({ id: paymentId, status: 'CAPTURED' });
      const refunded = await payments.refundUntilDecided(refund, key);
      expect(refunded.status).toBe(200);
      expect(refunded.body).toMatchObject({ id: paymentId, status: 'REFUNDED' });
      expect(await payments.providerCharge(paymentId)).toMatchObject({ status: 'succeeded', refunded: true });
      expect(await chargesTakenFor(payment, body.orderId)).toBe(1);
    });

    it('waits for a charge that never went through (409 meanwhile), then answers it FAILED: nothing to give back', async () => {
      const { key, body, charging, paymentId } = await chargeInFlight('tok_timeout');
      const refund = refundKey();

      const early = await payments.refund(refund, key);
      expect(early.status).toBe(409);
      expect(early.body).toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS', paymentId });

      expect((await charging).body).toMatchObject({ id: paymentId, status: 'FAILED' });
      const answered = await payments.refundUntilDecided(refund, key);
      expect(answered.status).toBe(200);
      expect(answered.body).toMatchObject({ id: paymentId, status: 'FAILED', failureReason: 'PAYMENT_FAILED' });
      expect(await payments.providerCharge(paymentId)).toMatchObject({ status: 'canceled', refunded: false });
      expect(await chargesTakenFor(payment, body.orderId)).toBe(0);
    });
  });

  describe('idempotency by charge key', () => {
    it('answers the same key with the same payment, charging once', async () => {
      const key = chargeKey();
      const body = cardCharge();
      const first = await payments.charge(key, body);
      const again = await payments.charge(key, body);
      const respelled = await payments.charge(key, { ...body, amount: '25' });

      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(respelled.body).toEqual(first.body);
      expect(await chargesTakenFor(payment, body.orderId)).toBe(1);
    });

    it('charges once for 10 concurrent calls with one key: each gets the payment or 409 IDEMPOTENCY_IN_PROGRESS', async () => {
      const key = chargeKey();
      const body = cardCharge();
      const answers = await Promise.all(Array.from({ length: 10 }, () => payments.charge(key, body)));

      const decided = answers.filter((answer) => answer.status === 201);
      const busy = answers.filter((answer) => answer.status === 409);
      expect(decided.length + busy.length).toBe(10);
      expect(decided.length).toBeGreaterThanOrEqual(1);
      expect(new Set(decided.map((answer) => answer.body.id)).size).toBe(1);
      expect(busy.every((answer) => answer.body.code === 'IDEMPOTENCY_IN_PROGRESS')).toBe(true);
      const settled = await payments.chargeUntilDecided(key, body);
      expect(settled.body).toMatchObject({ id: decided[0]!.body.id, status: 'CAPTURED' });
      expect(await chargesTakenFor(payment, body.orderId)).toBe(1);
    });

    it('refuses the same key with another request: 422 IDEMPOTENCY_KEY_REUSED, nothing charged again', async () => {
      const key = chargeKey();
      const body = cardCharge();
      await payments.charge(key, body);
      const other = await payments.charge(key, { ...body, amount: '26.00' });

      expect(other.status).toBe(422);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await chargesTakenFor(payment, body.orderId)).toBe(1);
    });
  });

  describe('the request', () => {
    it.each([
      { what: 'a card payment without a token', change: { token: undefined }, field: 'token' },
      { what: 'a bank payment with a token', change: { method: 'bank', accountId: randomUUID() }, field: 'token' },
      { what: 'a bank payment without an account', change: { method: 'bank', token: undefined }, field: 'accountId' },
      { what: 'a bank account that is not a UUID', change: { method: 'bank', token: undefined, accountId: 'acc-1' }, field: 'accountId' },
      { what: 'an amount as a JSON number', change: { amount: 25 }, field: 'amount' },
      { what: 'three fraction digits', change: { amount: '25.001' }, field: 'amount' },
      { what: 'an unsupported currency', change: { currency: 'GBP' }, field: 'currency' },
      { what: 'an unknown method', change: { method: 'cash' }, field: 'method' },
      { what: 'an unknown field', change: { tip: '1.00' }, field: 'tip' },
    ])('refuses $what with 400 VALIDATION_FAILED naming $field', async ({ change, field }) => {
      const answer = await payments.charge(chargeKey(), { ...cardCharge(), ...change });

      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body.code).toBe('VALIDATION_FAILED');
      expect(answer.body.errors?.map((error) => error.field)).toEqual([field]);
    });

    it('needs an Idempotency-Key (400 IDEMPOTENCY_KEY_REQUIRED), a sane one, and the internal token', async () => {
      expect((await payments.charge(undefined, cardCharge())).body.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
      expect((await payments.refund(undefined, chargeKey())).body.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
      expect((await payments.charge('k'.repeat(256), cardCharge())).body.errors).toEqual([
        { field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' },
      ]);
      const anonymous = await fetch(`${payment.url}/internal/payments`, { method: 'POST', headers: { 'idempotency-key': 'k' } });
      expect(anonymous.status).toBe(401);
    });
  });

  describe('refunds', () => {
    it('refunds a captured card payment once, however often and with whichever key it is asked', async () => {
      const key = chargeKey();
      const body = cardCharge();
      const charged = await payments.charge(key, body);
      const refund = refundKey();

      const refunded = await payments.refund(refund, key);
      expect(refunded.status).toBe(200);
      expect(refunded.body).toEqual({ ...charged.body, status: 'REFUNDED' });
      expect(await payments.providerCharge(charged.body.id)).toMatchObject({ status: 'succeeded', refunded: true });

      const [again, otherKey] = [await payments.refund(refund, key), await payments.refund(refundKey(), key)];
      expect(again.body).toEqual(refunded.body);
      expect(otherKey.body).toEqual(refunded.body);
      const [row] = await payment.query<{ refunds: string }>(`SELECT count(refund_id) AS refunds FROM card_provider_charges WHERE id = $1`, [
        charged.body.providerRef,
      ]);
      expect(row!.refunds).toBe('1');
      // The charge key still answers the payment, now refunded; it charges nothing again.
      expect((await payments.charge(key, body)).body.status).toBe('REFUNDED');
      expect(await chargesTakenFor(payment, body.orderId)).toBe(1);
    });

    it('refunds two concurrent requests once', async () => {
      const key = chargeKey();
      await payments.charge(key, cardCharge());
      const refund = refundKey();
      const answers = await Promise.all([payments.refund(refund, key), payments.refund(refund, key)]);

      expect(answers.map((answer) => answer.status).sort()).toEqual(expect.arrayContaining([200]));
      const settled = await payments.refund(refund, key);
      expect(settled.body.status).toBe('REFUNDED');
      expect(answers.filter((answer) => answer.status !== 200).every((answer) => answer.body.code === 'IDEMPOTENCY_IN_PROGRESS')).toBe(true);
    });

    it('returns a payment that took nothing unchanged', async () => {
      const key = chargeKey();
      const declined = await payments.charge(key, cardCharge({ token: 'tok_chargeDeclined' }));

      const answer = await payments.refund(refundKey(), key);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(declined.body);
    });

    it('records a refund before its charge as CANCELLED, so the late charge takes nothing', async () => {
      const key = chargeKey();
      const tombstone = await payments.refund(refundKey(), key);

      expect(tombstone.status).toBe(200);
      expect(tombstone.body).toMatchObject({ status: 'CANCELLED', orderId: null, amount: null, providerRef: null });

      const body = cardCharge();
      const late = await payments.charge(key, body);
      expect(late.status).toBe(201);
      expect(late.body).toMatchObject({ id: tombstone.body.id, status: 'CANCELLED', orderId: body.orderId, amount: '25.00' });
      expect(await payments.providerCharge(tombstone.body.id)).toBeNull();
      expect(await chargesTakenFor(payment, body.orderId)).toBe(0);
      expect((await payments.charge(key, { ...body, amount: '1.00' })).status).toBe(422);
    });

    it('refuses a refund key already used for another charge: 422 IDEMPOTENCY_KEY_REUSED', async () => {
      const [first, second] = [chargeKey(), chargeKey()];
      await payments.charge(first, cardCharge());
      await payments.charge(second, cardCharge());
      const refund = refundKey();
      await payments.refund(refund, first);

      const reused = await payments.refund(refund, second);
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect((await payments.lookup(second)).body.status).toBe('CAPTURED');
    });
  });

  describe('reading payments', () => {
    let owner: StackCustomer;
    let paymentId: string;
    let orderId: string;

    beforeAll(async () => {
      owner = await stack.customer();
      const answer = await payments.charge(chargeKey(), cardCharge({ userId: owner.id, amount: '9.99', currency: 'EUR' }));
      paymentId = answer.body.id;
      orderId = answer.body.orderId!;
    });

    it('finds a payment by its charge key (internal), or answers 404 PAYMENT_NOT_FOUND', async () => {
      const key = chargeKey();
      const charged = await payments.charge(key, cardCharge());
      expect((await payments.lookup(key)).body).toEqual(charged.body);
      const missing = await payments.lookup(chargeKey());
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('PAYMENT_NOT_FOUND');
    });

    it('shows the customer who paid exactly the public fields of API.md', async () => {
      const answer = await stack.api.get(`/api/payments/${paymentId}`, { token: owner.token });

      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        id: paymentId,
        orderId,
        method: 'card',
        amount: '9.99',
        currency: 'EUR',
        status: 'CAPTURED',
        providerRef: expect.stringMatching(/^ch_/),
        createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
    });

    it('answers someone else’s payment exactly like a missing one (404), and shows it to an admin', async () => {
      const stranger = await stack.customer();
      const hidden = await stack.api.get(`/api/payments/${paymentId}`, { token: stranger.token });
      const missing = await stack.api.get(`/api/payments/${randomUUID()}`, { token: stranger.token });

      expect(hidden.status).toBe(404);
      expect(hidden.body.code).toBe('PAYMENT_NOT_FOUND');
      expect(missing.body.code).toBe('PAYMENT_NOT_FOUND');
      expect((await stack.api.get(`/api/payments/${paymentId}`, { token: stack.adminToken })).body.id).toBe(paymentId);
    });

    it('answers a malformed id with 400 and no token with 401', async () => {
      const malformed = await stack.api.get('/api/payments/not-a-uuid', { token: owner.token });

      expect(malformed.status).toBe(400);
      expect(malformed.body.errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
      expect((await stack.api.get(`/api/payments/${paymentId}`)).status).toBe(401);
    });

    it('keeps the simulator and the internal routes out of the public API document', async () => {
      const response = await fetch(`${payment.url}/internal/openapi.json`, { headers: { 'x-internal-token': TEST_INTERNAL_TOKEN } });
      const document = (await response.json()) as { paths: Record<string, unknown> };

      expect(Object.keys(document.paths)).toEqual(['/api/payments/{id}']);
    });
  });

  describe('events', () => {
    it('publishes payment.captured.v1, payment.failed.v1 and payment.refunded.v1, with their audit records', async () => {
      const key = chargeKey();
      const captured = await payments.charge(key, cardCharge());
      await payments.refund(refundKey(), key);
      const failed = await payments.charge(chargeKey(), cardCharge({ token: 'tok_chargeDeclined' }));

      const eventsOf = (id: string) =>
        probe.withKey(id).filter((message) => message.topic === 'payment.events').map((message) => message.value as Record<string, unknown>);
      await probe.waitFor(() => eventsOf(captured.body.id).length === 2 && eventsOf(failed.body.id).length === 1);

      expect(eventsOf(captured.body.id)).toEqual([
        expect.objectContaining({
          type: 'payment.captured.v1',
          aggregateId: captured.body.id,
          payload: {
            paymentId: captured.body.id,
            orderId: captured.body.orderId,
            method: 'card',
            amount: '25.00',
            currency: 'USD',
            status: 'CAPTURED',
            failureReason: null,
          },
        }),
        expect.objectContaining({ type: 'payment.refunded.v1', payload: expect.objectContaining({ status: 'REFUNDED' }) }),
      ]);
      expect(eventsOf(failed.body.id)).toEqual([
        expect.objectContaining({
          type: 'payment.failed.v1',
          payload: expect.objectContaining({ status: 'DECLINED', failureReason: 'PAYMENT_DECLINED' }),
        }),
      ]);

      const auditsOf = (id: string) =>
        probe
          .withKey(id)
          .filter((message) => message.topic === 'audit.events')
          .map((message) => (message.value as { payload: { action: string; outcome: string; data: Record<string, unknown> } }).payload);
      await probe.waitFor(() => auditsOf(captured.body.id).length === 2);
      expect(auditsOf(captured.body.id).map((audit) => [audit.action, audit.outcome])).toEqual([
        ['payment.captured', 'SUCCESS'],
        ['payment.refunded', 'SUCCESS'],
      ]);
      expect(JSON.stringify(auditsOf(captured.body.id))).not.toContain('tok_');
    });
  });

  describe('telemetry', () => {
    it('counts every decided charge per provider and outcome (bankshop.payments), in step with the payments table', async () => {
      await payments.charge(chargeKey(), cardCharge());
      await payments.charge(chargeKey(), cardCharge({ token: 'tok_chargeDeclined' }));
      await payments.charge(chargeKey(), cardCharge({ token: 'tok_processingError' }));
      const recorded = await outcomesRecorded(payment, 'card');
      expect(recorded).toEqual({ succeeded: expect.any(Number), declined: expect.any(Number), failed: expect.any(Number) });
      expect(Math.min(recorded.succeeded, recorded.declined, recorded.failed)).toBeGreaterThan(0);

      // Cumulative counters: the latest point of each outcome is its total so far.
      const latest = (points: { attributes: Record<string, unknown>; value: number }[], outcome: string) =>
        points.filter((point) => point.attributes.provider === 'card' && point.attributes.outcome === outcome).at(-1)?.value;
      await receiver.waitForMetric('bankshop.payments', (points) => {
        const own = points.filter((point) => point.service === 'payment');
        return (['succeeded', 'declined', 'failed'] as const).every((outcome) => latest(own, outcome) === recorded[outcome]);
      });
    });

    it('traces each charge as a payment.charge span carrying its outcome', async () => {
      const answer = await payments.charge(chargeKey(), cardCharge({ token: 'tok_chargeDeclined' }));

      const spans = await receiver.waitForSpans((all) => all.some((span) => span.name === 'payment.charge' && span.attributes['payment.id'] === answer.body.id));
      expect(spans.find((span) => span.attributes['payment.id'] === answer.body.id)?.attributes).toMatchObject({
        'payment.method': 'card',
        'payment.status': 'DECLINED',
      });
    });
  });
});
