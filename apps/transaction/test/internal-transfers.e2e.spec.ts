import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_INTERNAL_TOKEN } from '@bankshop/testing';
import { BankingStack, type Customer } from './banking-stack.ts';

/** `POST /internal/transfers`: how the payment service pays by bank and refunds. */
describe('POST /internal/transfers: a transfer a service makes on behalf of a user', () => {
  let stack: BankingStack;
  BankingStack.showServiceErrorsOnFailure(() => stack);
  let alice: Customer;
  let shop: Customer;
  let aliceUsd: string;
  let shopUsd: string;

  beforeAll(async () => {
    stack = await BankingStack.start();
    [alice, shop] = await Promise.all([stack.customer(), stack.customer()]);
    aliceUsd = await stack.openAccount(alice, 'USD', '100.00');
    shopUsd = await stack.openAccount(shop, 'USD');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function internalTransfer(body: Record<string, unknown>, key: string, token = TEST_INTERNAL_TOKEN) {
    const response = await fetch(`${stack.transaction.url}/internal/transfers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-internal-token': token, 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    return { status: response.status, replayed: response.headers.get('idempotent-replayed'), body: (await response.json()) as Record<string, string> };
  }

  const payment = (amount: string, overrides: Record<string, unknown> = {}) => ({
    initiatedBy: alice.id,
    fromAccountId: aliceUsd,
    toAccountId: shopUsd,
    amount,
    currency: 'USD',
    ...overrides,
  });

  it('is refused without the internal token', async () => {
    const response = await internalTransfer(payment('1.00'), randomUUID(), 'not-the-internal-token-0123');
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('UNAUTHENTICATED');
  });

  it('moves the money once for a key, replaying the first answer', async () => {
    const key = `payment:${randomUUID()}:charge`;
    const first = await internalTransfer(payment('12.50'), key);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'COMPLETED', amount: '12.50', fromAccountId: aliceUsd, toAccountId: shopUsd });
    const again = await internalTransfer(payment('12.50'), key);
    expect(again.status).toBe(201);
    expect(again.replayed).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(await stack.balance(alice, aliceUsd)).toBe('87.50');
    expect(await stack.balance(shop, shopUsd)).toBe('12.50');
    expect((await internalTransfer(payment('12.51'), key)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses an account the user it acts for does not own, exactly as a missing one', async () => {
    const response = await internalTransfer(payment('1.00', { initiatedBy: randomUUID() }), randomUUID());
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('ACCOUNT_NOT_FOUND');
  });

  it('refuses a source account in another currency than the one priced in', async () => {
    const response = await internalTransfer(payment('1.00', { currency: 'EUR' }), randomUUID());
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('CURRENCY_MISMATCH');
  });

  it('answers 422 INSUFFICIENT_FUNDS and replays it as the same failure', async () => {
    const key = randomUUID();
    const first = await internalTransfer(payment('1000.00'), key);
    expect(first.status).toBe(422);
    expect(first.body.code).toBe('INSUFFICIENT_FUNDS');
    const again = await internalTransfer(payment('1000.00'), key);
    expect(again.status).toBe(422);
    expect(again.replayed).toBe('true');
  });

  it('validates the body: the user acted for and the currency are required', async () => {
    const response = await internalTransfer({ fromAccountId: aliceUsd, toAccountId: shopUsd, amount: '1.00' }, randomUUID());
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toMatch(/initiatedBy/);
    expect(JSON.stringify(response.body)).toMatch(/currency/);
  });
});
