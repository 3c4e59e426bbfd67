/**
 * `npm run bench:checkout`: what a checkout costs. Checkouts per second and latency of
 * `POST /api/orders` through the gateway (the saga: reserve, charge, confirm), paid by card (the
 * simulated provider) and by bank (a transfer through transaction, risk and account), at a fixed
 * concurrency, against a baseline measured in the same run: the inventory's part of a checkout,
 * reserve and confirm, done as raw SQL transactions on the same PostgreSQL. Prints the results
 * and rewrites the "Checkout" section of docs/benchmarks.md.
 *
 * Settings (environment): BENCH_CONCURRENCY (16), BENCH_SECONDS (20 per run),
 * BENCH_WARMUP_SECONDS (5), BENCH_PRODUCTS (100), BENCH_TRACES_SAMPLER (parentbased_always_off).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { SystemStack, type StackCustomer } from '@bankshop/testing';
import { onCleanup, runBenchmark } from './support/cleanup.ts';
import { closedLoop, OK, type LoadResult } from './support/closed-loop.ts';
import { classifier, HOST_CORES, waitUntilIdle } from './support/cpu.ts';
import { loadAverage } from './support/machine.ts';
import { startRun } from './support/run.ts';
import { consoleTable, markdownTable, writeSection } from './support/report.ts';
import { envInt, fixed, percentile } from './support/stats.ts';

const CONCURRENCY = envInt('BENCH_CONCURRENCY', 16);
const SECONDS = envInt('BENCH_SECONDS', 20);
const WARMUP_SECONDS = envInt('BENCH_WARMUP_SECONDS', 5, 0);
const PRODUCTS = envInt('BENCH_PRODUCTS', 100);
const TRACES_SAMPLER = process.env.BENCH_TRACES_SAMPLER || 'parentbased_always_off';
/** Enough stock that no run sells out: the benchmark measures checkouts, not refusals. */
const STOCK = 1_000_000;

type Path = 'raw SQL reserve+confirm' | 'card, through the gateway' | 'bank, through the gateway';

interface Run {
  path: Path;
  result: LoadResult;
  load: string;
}

async function main(): Promise<void> {
  const { started, machine, loadAtStart } = await startRun(progress);

  progress('starting the whole shop (account, risk, transaction, inventory, payment, order, gateway)');
  const merchantId = randomUUID();
  const quiet = { LOG_LEVEL: 'warn', OTEL_TRACES_SAMPLER: TRACES_SAMPLER };
  const stack = await SystemStack.start({
    services: ['account', 'risk', 'transaction', 'inventory', 'payment', 'order'],
    viaGateway: true,
    env: {
      account: quiet,
      risk: quiet,
      transaction: quiet,
      inventory: quiet,
      payment: { ...quiet, MERCHANT_USER_ID: merchantId },
      order: quiet,
      gateway: quiet,
    },
  });
  onCleanup('the shop', () => stack.stop());
  const gatewayUrl = stack.service('gateway').url;

  progress(`${PRODUCTS} products with ${STOCK} units each; ${CONCURRENCY} customers with funded accounts`);
  const products = await Promise.all(Array.from({ length: PRODUCTS }, () => createProduct(stack)));
  const customers = await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      const customer = await stack.customer();
      return { customer, accountId: await stack.openAccount(customer, 'USD', '1000000.00') };
    }),
  );

  const services = [...stack.services].map(([name, service]) => ({ name, pid: service.service.pid! }));
  const databases = new Map([...stack.services].map(([name, service]) => [service.database.name, name] as [string, string]));
  const classify = classifier(new Map(services.map(({ name, pid }) => [pid, name])), databases);
  if (!(await waitUntilIdle(services.map(({ pid }) => pid)))) progress('the services never got idle; measuring anyway');

  const runs: Run[] = [];
  const measure = async (path: Path, operation: () => Promise<string>) => {
    progress(`${path}: ${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured, ${CONCURRENCY} in flight`);
    const result = await closedLoop({ concurrency: CONCURRENCY, warmupSeconds: WARMUP_SECONDS, seconds: SECONDS, classify }, operation);
    const run = { path, result, load: loadAverage().split(',')[0]!.trim() };
    runs.push(run);
    progress(`  ${fixed(ok(result) / result.seconds)} checkouts/s, p99 ${fixed(percentile(result.latencies, 99), 1)} ms; ${answers(result)}`);
  };

  const inventory = new pg.Pool({ connectionString: stack.service('inventory').database.url, max: CONCURRENCY });
  onCleanup('baseline pool', () => inventory.end());
  const pick = () => products[Math.floor(Math.random() * products.length)]!;
  let next = 0;
  const nextCustomer = () => customers[next++ % customers.length]!;

  await measure('raw SQL reserve+confirm', () => reserveAndConfirmInSql(inventory, pick()));
  await measure('card, through the gateway', () => checkout(gatewayUrl, nextCustomer().customer, pick(), { method: 'card', token: 'tok_visa' }));
  await measure('bank, through the gateway', () => {
    const { customer, accountId } = nextCustomer();
    return checkout(gatewayUrl, customer, pick(), { method: 'bank', accountId });
  });
  await measure('raw SQL reserve+confirm', () => reserveAndConfirmInSql(inventory, pick()));

  report(runs, { started, machine, loadAtStart, loadAtEnd: loadAverage() });
}

/** The saga through the public API: 201 with the order CONFIRMED is a success. */
async function checkout(gatewayUrl: string, customer: StackCustomer, productId: string, payment: object): Promise<string> {
  const response = await fetch(`${gatewayUrl}/api/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${customer.token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ items: [{ productId, quantity: 1 }], payment }),
  });
  const body = (await response.json()) as { status?: string; failureReason?: string; code?: string };
  if (response.status === 201 && body.status === 'CONFIRMED') return OK;
  return `${response.status} ${body.failureReason ?? body.code ?? body.status ?? ''}`.trim();
}

/**
 * The inventory's share of a checkout without any service: take a unit off sale with the same
 * compare-and-set on the product's version, record the reservation, then confirm it; two
 * transactions, as the saga makes two calls.
 */
async function reserveAndConfirmInSql(pool: pg.Pool, productId: string): Promise<string> {
  const reservationId = randomUUID();
  const client = await pool.connect();
  try {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      await client.query('BEGIN');
      const [product] = (await client.query<{ stock: number; version: number }>('SELECT stock, version FROM products WHERE id = $1', [productId])).rows;
      const taken = await client.query('UPDATE products SET stock = stock - 1, version = version + 1, updated_at = now() WHERE id = $1 AND version = $2 AND stock >= 1', [
        productId,
        product!.version,
      ]);
      if (taken.rowCount !== 1) {
        await client.query('ROLLBACK');
        continue;
      }
      await client.query(
        `INSERT INTO reservations (id, key, order_id, status, items, expires_at) VALUES ($1, $2, $3, 'RESERVED', $4, now() + interval '15 minutes')`,
        [reservationId, `bench:${reservationId}`, randomUUID(), JSON.stringify([{ productId, quantity: 1, unitPrice: '1.00', lineTotal: '1.00' }])],
      );
      await client.query('COMMIT');
      await client.query(`UPDATE reservations SET status = 'CONFIRMED', updated_at = now() WHERE id = $1 AND status = 'RESERVED'`, [reservationId]);
      return OK;
    }
    return 'conflicts exhausted';
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function createProduct(stack: SystemStack): Promise<string> {
  const created = await stack.api.post('/api/admin/products', {
    token: stack.adminToken,
    body: { sku: `BENCH-${randomUUID().slice(0, 8)}`, name: 'Benchmark mug', price: '1.00', currency: 'USD', stock: STOCK },
  });
  if (created.status !== 201) throw new Error(`could not create a product: ${created.text}`);
  return created.body.id as string;
}

const ok = (result: LoadResult) => result.answers.get(OK) ?? 0;

function answers(result: LoadResult): string {
  const others = [...result.answers].filter(([label]) => label !== OK);
  return others.length === 0 ? 'no other answers' : others.map(([label, count]) => `${label}: ${count}`).join(', ');
}

function report(runs: Run[], meta: { started: Date; machine: string; loadAtStart: string; loadAtEnd: string }): void {
  const baselines = runs.filter((run) => run.path === 'raw SQL reserve+confirm').map((run) => ok(run.result) / run.result.seconds);
  const baseline = baselines.reduce((sum, value) => sum + value, 0) / baselines.length;
  const headers = ['path', 'checkouts/s', 'p50 ms', 'p99 ms', 'x raw SQL', 'other answers', 'host CPU', 'load 1m'];
  const rows = runs.map((run) => {
    const rate = ok(run.result) / run.result.seconds;
    return [
      run.path,
      fixed(rate, 1),
      fixed(percentile(run.result.latencies, 50), 1),
      fixed(percentile(run.result.latencies, 99), 1),
      fixed(rate / baseline, 3),
      answers(run.result),
      `${fixed(run.result.cpu.hostBusyPercent)}%`,
      run.load,
    ];
  });
  console.log(`\n${consoleTable(headers, rows)}\n`);
  writeSection(
    'checkout',
    [
      '## Checkout',
      '',
      `Measured ${meta.started.toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench:checkout\` (\`bench/checkout.ts\`).`,
      '',
      `- **Machine**: ${meta.machine}.`,
      `- **Load average** (\`uptime\`): ${meta.loadAtStart} at the start, ${meta.loadAtEnd} at the end; each run's 1-minute load is in the table.`,
      `- **Settings**: ${CONCURRENCY} checkouts in flight (closed loop), ${SECONDS} s per run after a ${WARMUP_SECONDS} s warm-up; one unit of one of ${PRODUCTS} products per order; ` +
        `each bank payment from one of ${CONCURRENCY} customers' accounts to the one merchant account (a hot account, as in a real shop); ` +
        `services at LOG_LEVEL warn, OTEL_TRACES_SAMPLER ${TRACES_SAMPLER}. The baseline runs first and last; "x raw SQL" divides by their mean.`,
      `- **What a checkout is**: \`POST /api/orders\` through the gateway answered 201 CONFIRMED: the saga's reserve, charge (card: the simulated provider over HTTP; ` +
        `bank: a two-phase transfer through transaction, risk and account) and confirm, each step persisted, plus the outbox events. ` +
        `The baseline is only the inventory's share (reserve and confirm as two SQL transactions), so the ratio shows what everything else costs.`,
      '',
      markdownTable(headers, rows),
      '',
      `Everything (the load generator, seven services, PostgreSQL, Redis, Kafka) shares the host's ${HOST_CORES} cores.`,
    ].join('\n'),
  );
  progress('wrote the Checkout section of docs/benchmarks.md');
}

function progress(message: string): void {
  console.log(`[bench:checkout] ${message}`);
}

await runBenchmark('bench:checkout', main);
