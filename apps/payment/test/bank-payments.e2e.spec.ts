import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Money } from '@bankshop/money';
import { OtlpReceiver, startTestService, SystemStack, TEST_INTERNAL_TOKEN, type StackCustomer, type TestService } from '@bankshop/testing';
import { cardCharge, chargeKey, chargesTakenFor, outcomesRecorded, PaymentsApi, refundKey, type ChargeBody } from './support.ts';

/**
 * Bank payments through the real banking services (account, risk, transaction), and crashes of
 * the payment service in the middle of a charge.
 */
describe('payment: bank payments and crashes (account, risk, transaction, payment)', { timeout: 90_000 }, () => {
  const merchantId = randomUUID();
  let stack: SystemStack;
  let payments: PaymentsApi;
  let merchant: StackCustomer;
  const receiver = new OtlpReceiver();

  beforeAll(async () => {
    stack = await SystemStack.start({
      services: ['account', 'risk', 'transaction', 'payment'],
      otlpEndpoint: await receiver.start(),
      env: { payment: { MERCHANT_USER_ID: merchantId } },
    });
    payments = new PaymentsApi(stack.service('payment'));
    merchant = { id: merchantId, token: await stack.identity.mint({ sub: merchantId, roles: ['customer'] }) };
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver.stop();
  });

  // Charges and refunds ask again while the answer is "not decided yet" (409, 503), as the order
  // service does: on a busy machine a transfer can outlast one call's timeout.

  function bankCharge(customer: StackCustomer, accountId: string, amount: string, currency = 'USD'): ChargeBody {
    return { orderId: randomUUID(), userId: customer.id, amount, currency, method: 'bank', accountId };
  }

  /** The merchant's balance in `currency` ("0.00" before its account exists). */
  async function merchantBalance(currency = 'USD'): Promise<string> {
    const accounts = (await stack.api.get('/api/accounts', { token: merchant.token })).body.items as { currency: string; balance: string }[];
    return accounts.find((account) => account.currency === currency)?.balance ?? '0.00';
  }

  const plus = (amount: string, more: string) => Money.of(amount).plus(Money.of(more)).toString();

  it('moves exactly the amount from the customer’s account to the merchant’s: CAPTURED, the transfer as providerRef', async () => {
    const customer = await stack.customer();
    const account = await stack.openAccount(customer, 'USD', '100.00');
    const merchantBefore = await merchantBalance();

    const answer = await payments.chargeUntilDecided(chargeKey(), bankCharge(customer, account, '30.00'));

    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ method: 'bank', amount: '30.00', status: 'CAPTURED', failureReason: null });
    expect(await stack.balance(customer, account)).toBe('70.00');
    expect(await merchantBalance()).toBe(plus(merchantBefore, '30.00'));
    const transfer = await stack.api.get(`/api/transfers/${answer.body.providerRef}`, { token: customer.token });
    expect(transfer.body).toMatchObject({ fromAccountId: account, amount: '30.00', status: 'COMPLETED' });
  });

  it('declines a payment the account cannot cover: DECLINED, PAYMENT_DECLINED, no balance changes', async () => {
    const customer = await stack.customer();
    const account = await stack.openAccount(customer, 'USD', '10.00');
    const merchantBefore = await merchantBalance();

    const answer = await payments.chargeUntilDecided(chargeKey(), bankCharge(customer, account, '30.00'));

    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ status: 'DECLINED', failureReason: 'PAYMENT_DECLINED' });
    expect(await stack.balance(customer, account)).toBe('10.00');
    expect(await merchantBalance()).toBe(merchantBefore);
  });

  it.each([
    { what: 'an account of someone else', currency: 'USD', owned: false },
    { what: 'an account in another currency', currency: 'EUR', owned: true },
  ])('declines paying from $what', async ({ currency, owned }) => {
    const [customer, other] = [await stack.customer(), await stack.customer()];
    const account = await stack.openAccount(owned ? customer : other, currency, '100.00');

    const answer = await payments.chargeUntilDecided(chargeKey(), bankCharge(customer, account, '5.00'));

    expect(answer.body).toMatchObject({ status: 'DECLINED', failureReason: 'PAYMENT_DECLINED' });
    expect(await stack.balance(owned ? customer : other, account)).toBe('100.00');
  });

  it('moves the money once for a replayed charge key', async () => {
    const customer = await stack.customer();
    const account = await stack.openAccount(customer, 'USD', '100.00');
    const key = chargeKey();
    const body = bankCharge(customer, account, '12.50');

    const [first, again] = [await payments.chargeUntilDecided(key, body), await payments.chargeUntilDecided(key, body)];

    expect(again.body).toEqual(first.body);
    expect(await stack.balance(customer, account)).toBe('87.50');
  });

  it('refunds by the reverse transfer, once: the customer’s balance is restored', async () => {
    const customer = await stack.customer();
    const account = await stack.openAccount(customer, 'USD', '100.00');
    const merchantBefore = await merchantBalance();
    const key = chargeKey();
    await payments.chargeUntilDecided(key, bankCharge(customer, account, '40.00'));
    expect(await stack.balance(customer, account)).toBe('60.00');
    expect(await merchantBalance()).toBe(plus(merchantBefore, '40.00'));

    const refund = refundKey();
    const refunded = await payments.refundUntilDecided(refund, key);
    const again = await payments.refundUntilDecided(refund, key);

    expect(refunded.status).toBe(200);
    expect(refunded.body.status).toBe('REFUNDED');
    expect(again.body).toEqual(refunded.body);
    expect(await stack.balance(customer, account)).toBe('100.00');
    expect(await merchantBalance()).toBe(merchantBefore);
    const ledger = await stack.api.get(`/api/accounts/${account}/ledger`, { token: customer.token });
    expect(ledger.body.items.map((entry: { amount: string }) => entry.amount)).toEqual(['40.00', '-40.00', '100.00']);
    // The reverse transfer debits the merchant: its newest ledger entry gives the 40.00 back.
    const merchantAccounts = (await stack.api.get('/api/accounts', { token: merchant.token })).body.items as { id: string; currency: string }[];
    const merchantAccount = merchantAccounts.find((candidate) => candidate.currency === 'USD')!;
    const merchantLedger = await stack.api.get(`/api/accounts/${merchantAccount.id}/ledger`, { token: merchant.token });
    expect(merchantLedger.body.items.slice(0, 2)).toMatchObject([
      { type: 'TRANSFER_DEBIT', amount: '-40.00' },
      { type: 'TRANSFER_CREDIT', amount: '40.00', transferId: refunded.body.providerRef },
    ]);
  });

  it('refuses a bank charge whose refund came first: CANCELLED, and no money moves', async () => {
    const customer = await stack.customer();
    const account = await stack.openAccount(customer, 'USD', '100.00');
    const key = chargeKey();
    const merchantBefore = await merchantBalance();

    const tombstone = await payments.refundUntilDecided(refundKey(), key);
    const late = await payments.chargeUntilDecided(key, bankCharge(customer, account, '20.00'));

    expect(tombstone.body.status).toBe('CANCELLED');
    expect(late.status).toBe(201);
    expect(late.body).toMatchObject({ id: tombstone.body.id, status: 'CANCELLED', method: 'bank', providerRef: null });
    expect(await stack.balance(customer, account)).toBe('100.00');
    expect(await merchantBalance()).toBe(merchantBefore);
    const transfers = await stack.api.get(`/api/transfers?accountId=${account}`, { token: customer.token });
    expect(transfers.body.items).toHaveLength(0);
  });

  it('counts bank charges per outcome (bankshop.payments, provider bank), in step with the payments table', async () => {
    const recorded = await outcomesRecorded(stack.service('payment'), 'bank');
    expect(recorded.succeeded).toBeGreaterThan(0);
    expect(recorded.declined).toBeGreaterThan(0);

    const latest = (points: { attributes: Record<string, unknown>; value: number }[], outcome: string) =>
      points.filter((point) => point.attributes.provider === 'bank' && point.attributes.outcome === outcome).at(-1)?.value;
    await receiver.waitForMetric('bankshop.payments', (points) => {
      const own = points.filter((point) => point.service === 'payment');
      return latest(own, 'succeeded') === recorded.succeeded && latest(own, 'declined') === recorded.declined;
    });
  });

  describe('a crash of the payment service between recording the payment and calling the provider or bank', () => {
    let crashy: TestService;
    let api: PaymentsApi;

    beforeAll(async () => {
      // A payment service of its own that pauses before every provider or bank call; the lease
      // outlasts the pause, so only the crash (not the pause) lets the payment be taken over.
      crashy = await startTestService({
        app: 'payment',
        jwksUrl: stack.identity.jwksUrl,
        env: {
          ACCOUNT_SERVICE_URL: stack.url('account'),
          TRANSACTION_SERVICE_URL: stack.url('transaction'),
          MERCHANT_USER_ID: merchantId,
          FAULT_PAUSE_BEFORE_PROVIDER_MS: '2000',
          PAYMENT_LEASE_MS: '4000',
          RECOVERY_INTERVAL_MS: '250',
        },
      });
      api = new PaymentsApi(crashy);
    });

    afterAll(async () => {
      await crashy?.stop();
    });

    /** Starts a charge, waits until it is recorded PENDING, kills the service, and restarts it. */
    async function crashDuring(key: string, body: ChargeBody): Promise<string> {
      const inFlight = api.charge(key, body).catch((error: unknown) => error);
      let paymentId: string | undefined;
      for (let attempt = 0; attempt < 100 && !paymentId; attempt += 1) {
        const [row] = await crashy.query<{ id: string }>(`SELECT id FROM payments WHERE charge_key = $1 AND status = 'PENDING'`, [key]);
        paymentId = row?.id;
        if (!paymentId) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (!paymentId) throw new Error('the payment was never recorded PENDING');
      await crashy.service.kill();
      expect(await inFlight).toBeInstanceOf(Error);
      await crashy.service.start();
      return paymentId;
    }

    it('card: the charge key asked again after the restart gets the payment, charged exactly once', async () => {
      const key = chargeKey();
      const body = cardCharge();
      const paymentId = await crashDuring(key, body);
      expect(await chargesTakenFor(crashy, body.orderId)).toBe(0);

      const answer = await api.chargeUntilDecided(key, body);

      expect(answer.body).toMatchObject({ id: paymentId, status: 'CAPTURED' });
      expect(await chargesTakenFor(crashy, body.orderId)).toBe(1);
    }, 90_000);

    it('bank: a transfer the dead process had made is found again by its key, not made twice', async () => {
      const customer = await stack.customer();
      const account = await stack.openAccount(customer, 'USD', '100.00');
      const key = chargeKey();
      const body = bankCharge(customer, account, '30.00');
      const paymentId = await crashDuring(key, body);

      // As if the process had sent the transfer just before it died: the same request, the same key.
      const merchantAccount = await fetch(`${stack.url('account')}/internal/accounts`, {
        method: 'POST',
        headers: { 'x-internal-token': TEST_INTERNAL_TOKEN, 'content-type': 'application/json' },
        body: JSON.stringify({ ownerId: merchantId, currency: 'USD' }),
      }).then(async (response) => ((await response.json()) as { id: string }).id);
      const made = await fetch(`${stack.url('transaction')}/internal/transfers`, {
        method: 'POST',
        headers: { 'x-internal-token': TEST_INTERNAL_TOKEN, 'content-type': 'application/json', 'idempotency-key': `payment:${paymentId}:charge` },
        body: JSON.stringify({ initiatedBy: customer.id, fromAccountId: account, toAccountId: merchantAccount, amount: '30.00', currency: 'USD' }),
      }).then(async (response) => (await response.json()) as { id: string; status: string });
      expect(made.status).toBe('COMPLETED');

      const answer = await api.chargeUntilDecided(key, body);

      expect(answer.body).toMatchObject({ id: paymentId, status: 'CAPTURED', providerRef: made.id });
      expect(await stack.balance(customer, account)).toBe('70.00');
    }, 90_000);

    it('bank: a charge never sent before the crash is made once after the restart', async () => {
      const customer = await stack.customer();
      const account = await stack.openAccount(customer, 'USD', '100.00');
      const key = chargeKey();
      const body = bankCharge(customer, account, '15.00');
      const paymentId = await crashDuring(key, body);
      expect(await stack.balance(customer, account)).toBe('100.00');

      const answer = await api.chargeUntilDecided(key, body);

      expect(answer.body).toMatchObject({ id: paymentId, status: 'CAPTURED' });
      expect(await stack.balance(customer, account)).toBe('85.00');
      const transfers = await stack.api.get(`/api/transfers?accountId=${account}`, { token: customer.token });
      expect(transfers.body.items).toHaveLength(1);
    }, 90_000);
  });
});
