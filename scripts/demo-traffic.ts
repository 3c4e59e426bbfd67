/**
 * `npm run demo:traffic`: realistic mixed traffic through the gateway of a running, seeded system
 * (`npm run seed` first), so the dashboards and Jaeger have something to show:
 *
 *   transfers between the demo customers, in both lock modes; checkouts of catalogue products
 *   paid by card and by bank; reads of accounts, ledgers, transfers and the catalogue; deposits;
 *   now and then a login; and on purpose some requests that must fail: transfers of more than the
 *   account holds (422 INSUFFICIENT_FUNDS) or than the risk service ever allows (422
 *   RISK_REJECTED), card payments the provider declines and orders for more prints than exist
 *   (both end CANCELLED, their sagas compensated). Every expected outcome is checked; anything
 *   else is counted as unexpected and a few of them are printed with their trace ids.
 *
 * The administrator restocks any product that runs low, so a long run keeps selling.
 *
 * Requests are started at a fixed rate (an open loop: a slow system does not slow the arrivals,
 * as with real clients), at most MAX_IN_FLIGHT at once, and the run stops by itself.
 *
 *   npm run demo:traffic -- --rate 10 --duration 120
 *
 * Settings: --rate / TRAFFIC_RATE (requests per second, 5), --duration / TRAFFIC_DURATION
 * (seconds, 300), GATEWAY_URL (http://127.0.0.1:3000), DEMO_PASSWORD (as the seed).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ADMIN, CATALOGUE, DEMO_CUSTOMERS, DEMO_PASSWORD, SCARCE_SKU } from './seed.ts';
import { GatewayClient, type Answer, type PaymentSource, type Product } from './tools/gateway-client.ts';

const MAX_IN_FLIGHT = 50;
/** Login and register share 30 requests a minute per IP at the gateway; stay well below. */
const MAX_LOGINS_PER_MINUTE = 10;
/** How often the administrator looks for products running low. */
const RESTOCK_EVERY_MS = 30_000;

interface Customer {
  email: string;
  token: string;
  accountId: string;
}

type Outcome = 'ok' | 'insufficient funds' | 'risk rejected' | 'declined' | 'out of stock' | 'rate limited' | 'error';

/** What one action got: the answer of its (first) request, and for checkouts the order's end. */
interface Result {
  answer: Answer<unknown>;
  outcome: Outcome;
}

interface Action {
  name: string;
  weight: number;
  /** What a correct system answers: anything else counts as unexpected. */
  expect: Outcome;
  run: (customer: Customer) => Promise<Result>;
}

const { values: args } = parseArgs({
  options: { rate: { type: 'string' }, duration: { type: 'string' } },
  allowPositionals: false,
});
const rate = positive(args.rate ?? process.env.TRAFFIC_RATE ?? '5', 'rate');
const durationSeconds = positive(args.duration ?? process.env.TRAFFIC_DURATION ?? '300', 'duration');
const gateway = new GatewayClient(process.env.GATEWAY_URL || 'http://127.0.0.1:3000');

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} must be a positive number, got ${value}`);
    process.exit(2);
  }
  return n;
}

const amount = (min: number, max: number) => `${randomInt(min, max)}.${String(randomInt(0, 100)).padStart(2, '0')}`;

function actions(destinations: string[], products: Product[]): Action[] {
  const otherThan = (customer: Customer) => {
    const choices = destinations.filter((id) => id !== customer.accountId);
    return choices[randomInt(choices.length)]!;
  };
  const plain = async (request: Promise<Answer>): Promise<Result> => {
    const answer = await request;
    return { answer, outcome: outcomeOf(answer) };
  };
  const transfer = (customer: Customer, value: string, lockMode: 'pessimistic' | 'optimistic') =>
    plain(
      gateway.call('POST', '/api/transfers', {
        token: customer.token,
        idempotencyKey: randomUUID(),
        body: { fromAccountId: customer.accountId, toAccountId: otherThan(customer), amount: value, lockMode, description: 'demo traffic' },
      }),
    );
  const scarce = products.find((product) => product.sku === SCARCE_SKU);
  const everyday = products.filter((product) => product.sku !== SCARCE_SKU);
  if (!scarce || everyday.length === 0) throw new Error('the catalogue is missing: run npm run seed first');
  const basket = () =>
    Array.from({ length: randomInt(1, 4) }, () => everyday[randomInt(everyday.length)]!)
      .filter((product, i, all) => all.indexOf(product) === i)
      .map((product) => ({ productId: product.id, quantity: randomInt(1, 3) }));
  const checkout = async (customer: Customer, items: { productId: string; quantity: number }[], payment: PaymentSource): Promise<Result> => {
    const { answer, order } = await gateway.checkout(customer.token, items, payment);
    if (!order) return { answer, outcome: outcomeOf(answer) };
    if (order.status === 'CONFIRMED') return { answer, outcome: 'ok' };
    if (order.failureReason === 'PAYMENT_DECLINED') return { answer, outcome: 'declined' };
    if (order.failureReason === 'OUT_OF_STOCK') return { answer, outcome: 'out of stock' };
    return { answer, outcome: 'error' };
  };
  return [
    { name: 'transfer (pessimistic)', weight: 25, expect: 'ok', run: (c) => transfer(c, amount(1, 40), 'pessimistic') },
    { name: 'transfer (optimistic)', weight: 18, expect: 'ok', run: (c) => transfer(c, amount(1, 40), 'optimistic') },
    { name: 'checkout by card', weight: 10, expect: 'ok', run: (c) => checkout(c, basket(), { method: 'card', token: 'tok_visa' }) },
    { name: 'checkout by bank', weight: 7, expect: 'ok', run: (c) => checkout(c, basket(), { method: 'bank', accountId: c.accountId }) },
    { name: 'read accounts', weight: 6, expect: 'ok', run: (c) => plain(gateway.call('GET', '/api/accounts', { token: c.token })) },
    { name: 'read ledger', weight: 5, expect: 'ok', run: (c) => plain(gateway.call('GET', `/api/accounts/${c.accountId}/ledger?limit=20`, { token: c.token })) },
    { name: 'read transfers', weight: 4, expect: 'ok', run: (c) => plain(gateway.call('GET', `/api/transfers?accountId=${c.accountId}&limit=20`, { token: c.token })) },
    { name: 'browse products', weight: 5, expect: 'ok', run: () => plain(gateway.call('GET', '/api/products?limit=20')) },
    { name: 'read orders', weight: 3, expect: 'ok', run: (c) => plain(gateway.call('GET', '/api/orders?limit=10', { token: c.token })) },
    { name: 'deposit', weight: 6, expect: 'ok', run: (c) => plain(gateway.deposit(c.token, c.accountId, amount(100, 500))) },
    // Below the risk limit, far above any demo balance: refused when the hold is placed.
    { name: 'transfer beyond the balance', weight: 4, expect: 'insufficient funds', run: (c) => transfer(c, '900000.00', 'pessimistic') },
    // Above RISK_MAX_AMOUNT (1000000.00): the risk service rejects it before any money is held.
    { name: 'transfer above the risk limit', weight: 3, expect: 'risk rejected', run: (c) => transfer(c, '1000000.01', 'optimistic') },
    // The simulated provider declines this card: the saga releases the reserved stock.
    { name: 'checkout, card declined', weight: 2, expect: 'declined', run: (c) => checkout(c, basket(), { method: 'card', token: 'tok_chargeDeclined' }) },
    // More signed prints than were ever made: the reservation fails, nothing is charged.
    { name: 'checkout, out of stock', weight: 2, expect: 'out of stock', run: (c) => checkout(c, [{ productId: scarce.id, quantity: 10 }], { method: 'card', token: 'tok_visa' }) },
  ];
}

function outcomeOf(answer: Answer<unknown>): Outcome {
  if (answer.status < 300) return 'ok';
  if (answer.code === 'INSUFFICIENT_FUNDS') return 'insufficient funds';
  if (answer.code === 'RISK_REJECTED') return 'risk rejected';
  if (answer.status === 429) return 'rate limited';
  return 'error';
}

/** Puts every product that runs low back to its seeded stock (the scarce print stays scarce). */
async function restockLowProducts(adminToken: string): Promise<number> {
  let restocked = 0;
  for (const product of await gateway.products()) {
    const seeded = CATALOGUE.find((item) => item.sku === product.sku);
    if (!seeded || product.sku === SCARCE_SKU || product.stock >= seeded.stock / 5) continue;
    const answer = await gateway.restock(adminToken, product.id, seeded.stock);
    if (answer.status === 401) throw new Error('the administrator’s token expired');
    if (answer.status === 200) restocked++;
  }
  return restocked;
}

class Stats {
  readonly counts = new Map<Outcome | 'unexpected', number>();
  readonly latencies: number[] = [];
  readonly unexpected: string[] = [];
  sent = 0;
  inFlight = 0;
  logins = 0;

  record(action: Action, { answer, outcome }: Result): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
    this.latencies.push(answer.ms);
    if (outcome !== action.expect && outcome !== 'rate limited') {
      this.counts.set('unexpected', (this.counts.get('unexpected') ?? 0) + 1);
      // A few examples with their trace ids, to open in Jaeger.
      if (this.unexpected.length < 5) this.unexpected.push(`${action.name}: ${answer.status} ${answer.code ?? ''} trace ${answer.traceId ?? '-'}`);
    }
  }

  line(elapsedSeconds: number): string {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const pct = (p: number) => (sorted.length ? `${Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!)}ms` : '-');
    const count = (outcome: Outcome | 'unexpected') => this.counts.get(outcome) ?? 0;
    return (
      `[${String(Math.round(elapsedSeconds)).padStart(4)}s/${durationSeconds}s] sent ${this.sent}  ok ${count('ok')}  ` +
      `insufficient ${count('insufficient funds')}  risk-rejected ${count('risk rejected')}  declined ${count('declined')}  ` +
      `out-of-stock ${count('out of stock')}  429 ${count('rate limited')}  ` +
      `unexpected ${count('unexpected')}  logins ${this.logins}  p50 ${pct(50)} p99 ${pct(99)}  in flight ${this.inFlight}`
    );
  }
}

async function loginAll(): Promise<{ customers: Customer[]; destinations: string[]; adminToken: string; products: Product[] }> {
  await gateway.waitUntilUp();
  const customers: Customer[] = [];
  for (const { email } of DEMO_CUSTOMERS) {
    const token = await gateway.login(email, DEMO_PASSWORD);
    const [account] = await gateway.accounts(token);
    if (!account) throw new Error(`${email} has no account: run npm run seed first`);
    customers.push({ email, token, accountId: account.id });
  }
  const adminToken = await gateway.login(ADMIN.email, ADMIN.password);
  const products = await gateway.products();
  if (!products.some((product) => product.sku === SCARCE_SKU)) throw new Error('the demo catalogue is missing');
  return { customers, destinations: customers.map((c) => c.accountId), adminToken, products };
}

async function main(): Promise<void> {
  const setup = await loginAll().catch((error: Error) => {
    console.error(`demo traffic could not start: ${error.message} (is the system up and seeded? npm run seed)`);
    process.exit(1);
  });
  const { customers, destinations, products } = setup;
  let { adminToken } = setup;
  const table = actions(destinations, products);
  const totalWeight = table.reduce((sum, action) => sum + action.weight, 0);
  const pick = () => {
    let r = randomInt(totalWeight);
    return table.find((action) => (r -= action.weight) < 0)!;
  };
  const stats = new Stats();
  const started = Date.now();
  const interactive = process.stdout.isTTY === true;
  let stopping = false;
  let lastLogin = Date.now();
  process.once('SIGINT', () => (stopping = true));
  process.once('SIGTERM', () => (stopping = true));

  console.log(`demo traffic: ${rate}/s for ${durationSeconds}s through ${gateway.baseUrl} as ${customers.length} customers`);
  const progress = setInterval(
    () => {
      const line = stats.line((Date.now() - started) / 1000);
      if (interactive) process.stdout.write(`\r${line}`);
      else console.log(line);
    },
    interactive ? 1_000 : 10_000,
  );

  const restocking = setInterval(() => {
    restockLowProducts(adminToken)
      .catch(async () => {
        // Most likely the administrator's token expired: a new one for the next round.
        adminToken = await gateway.login(ADMIN.email, ADMIN.password);
        return 0;
      })
      .then((count) => {
        if (count > 0 && !interactive) console.log(`restocked ${count} product(s)`);
      })
      .catch(() => undefined);
  }, RESTOCK_EVERY_MS);

  const fire = async () => {
    const customer = customers[randomInt(customers.length)]!;
    // Now and then a customer logs in again (a new session), within the gateway's login budget.
    if (Date.now() - lastLogin > 60_000 / MAX_LOGINS_PER_MINUTE && randomInt(20) === 0) {
      lastLogin = Date.now();
      stats.logins++;
      customer.token = await gateway.login(customer.email, DEMO_PASSWORD);
      return;
    }
    const action = pick();
    let result = await action.run(customer);
    if (result.answer.status === 401) {
      // The access token expired (JWT_TTL_SECONDS): log in again and retry once.
      stats.logins++;
      customer.token = await gateway.login(customer.email, DEMO_PASSWORD);
      result = await action.run(customer);
    }
    stats.record(action, result);
  };

  const intervalMs = 1000 / rate;
  for (let next = Date.now(); !stopping && Date.now() - started < durationSeconds * 1000; next += intervalMs) {
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
    if (stats.inFlight >= MAX_IN_FLIGHT) continue;
    stats.sent++;
    stats.inFlight++;
    fire()
      .catch((error: Error) => {
        stats.counts.set('error', (stats.counts.get('error') ?? 0) + 1);
        if (stats.unexpected.length < 5) stats.unexpected.push(`request failed: ${error.message}`);
      })
      .finally(() => stats.inFlight--);
  }
  while (stats.inFlight > 0) await sleep(50);
  clearInterval(progress);
  clearInterval(restocking);
  if (interactive) process.stdout.write('\n');
  console.log(stats.line((Date.now() - started) / 1000));
  for (const example of stats.unexpected) console.log(`  unexpected: ${example}`);
}

await main();
