/**
 * `npm run bench:transfers`: transfers per second and p50/p99 latency at a fixed concurrency,
 * through the real account, risk and transaction services, for uniform traffic (10 000 accounts)
 * and hot traffic (10 accounts), in each lock mode; and, in the same run on the same PostgreSQL,
 * the same transfer as one raw SQL transaction: the baseline every ratio is taken against.
 * Prints the results and rewrites the "Transfers" section of docs/benchmarks.md.
 *
 * Settings (environment): BENCH_CONCURRENCY (32), BENCH_SECONDS (20 per run), BENCH_WARMUP_SECONDS
 * (5, not counted), BENCH_DB_POOL_SIZE (10: each service's DB_POOL_SIZE, the services' default),
 * BENCH_TRACES_SAMPLER (parentbased_always_off).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Pool } from 'undici';
import { createTestDatabase, databaseUrl, OtlpReceiver, TestIdentityProvider, type TestService } from '@bankshop/testing';
import { onCleanup, runBenchmark } from './support/cleanup.ts';
import { closedLoop, OK } from './support/closed-loop.ts';
import { classifier, HOST_CORES, waitUntilIdle, type Classifier } from './support/cpu.ts';
import { loadAverage } from './support/machine.ts';
import { startRun } from './support/run.ts';
import { consoleTable, markdownTable, writeSection } from './support/report.ts';
import { expectAlive, startService } from './support/services.ts';
import { envInt, fixed, percentile } from './support/stats.ts';
import { baselineTransfer, createBaselineSchema, seedBaselineAccounts } from './transfers/baseline.ts';
import {
  analysis,
  cpuTable,
  perTransferTable,
  resultsTable,
  roundTripsTable,
  TARGET,
  throughput,
  verdicts,
  type LockMode,
  type Run,
  type Settings,
  type Traffic,
} from './transfers/report.ts';
import { countRoundTrips } from './transfers/round-trips.ts';

const SETTINGS: Settings = {
  concurrency: envInt('BENCH_CONCURRENCY', 32),
  seconds: envInt('BENCH_SECONDS', 20),
  warmupSeconds: envInt('BENCH_WARMUP_SECONDS', 5, 0),
  dbPoolSize: envInt('BENCH_DB_POOL_SIZE', 10),
  // Records nothing unless a request arrives with a sampled traceparent: the measured transfers
  // pay no tracing, and the few round-trip calibration transfers are traced end to end. The SDK
  // reads this variable (NodeSDK falls back to OTEL_TRACES_SAMPLER when given no sampler).
  tracesSampler: process.env.BENCH_TRACES_SAMPLER || 'parentbased_always_off',
};

const ACCOUNTS: Record<Traffic, number> = { uniform: 10_000, hot: 10 };
/** Enough that no account runs dry whichever way the random walk goes. */
const OPENING_BALANCE = '1000000000.00';
/** How long to wait for relays, consumers and recovery to finish a run's work. */
const DRAIN_TIMEOUT_MS = 120_000;
/** Counters read from the services' metrics: which service exports each, and its name. */
const COUNTERS = {
  conflicts: ['account', 'bankshop.account.lock_conflicts'],
  exhausted: ['account', 'bankshop.account.lock_retries_exhausted'],
  upstreamRetries: ['transaction', 'bankshop.upstream.retries'],
} as const;
type Counter = keyof typeof COUNTERS;

interface Stack {
  receiver: OtlpReceiver;
  account: TestService;
  risk: TestService;
  transaction: TestService;
  servicePids: number[];
  http: Pool;
  adminToken: string;
  baseline: pg.Pool;
  baselineDatabase: string;
  /** A connection to read pg_stat_database with. */
  stats: pg.Client;
  accounts: Record<Traffic, { service: string[]; baseline: string[] }>;
  classify: Classifier;
}

async function main(): Promise<void> {
  const { started, machine, loadAtStart } = await startRun(progress);

  const stack = await startStack();
  const runs: Run[] = [];
  for (const traffic of ['uniform', 'hot'] as const) {
    // The baseline before and after the service runs: drift in the machine's load (other people's
    // test suites) shows up as a difference between the two instead of hiding inside a ratio.
    runs.push(await measure(stack, traffic, { when: 'before' }));
    runs.push(await measure(stack, traffic, { lockMode: 'pessimistic' }));
    runs.push(await measure(stack, traffic, { lockMode: 'optimistic' }));
    runs.push(await measure(stack, traffic, { when: 'after' }));
  }
  progress('counting round trips per transfer from 5 traced transfers');
  const roundTrips = await countRoundTrips(stack.receiver, (traceparent) => {
    const [from, to] = distinctPair(stack.accounts.uniform.service);
    return serviceTransfer(stack, from, to, smallAmount(), 'pessimistic', traceparent);
  });

  const results = resultsTable(runs);
  console.log(`\n${consoleTable(results.headers, results.rows)}\n\nTarget ${TARGET} of the baseline:\n${verdicts(runs).join('\n')}\n`);
  writeSection(
    'transfers',
    [
      '## Transfers',
      '',
      `Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench:transfers\` (\`bench/transfers.ts\`).`,
      '',
      `- **Machine**: ${machine}.`,
      `- **Load average** (\`uptime\`): ${loadAtStart} at the start, ${loadAverage()} at the end; each run's 1-minute load is in the table.`,
      `- **Settings**: concurrency ${SETTINGS.concurrency} (closed loop), ${SETTINGS.seconds} s per run after a ` +
        `${SETTINGS.warmupSeconds} s warm-up, random distinct account pairs, amounts 1.00 to 9.99. Services: ` +
        `DB_POOL_SIZE ${SETTINGS.dbPoolSize}, LOG_LEVEL warn, OTEL_TRACES_SAMPLER ${SETTINGS.tracesSampler}, risk limits ` +
        `too high to refuse. Baseline: a pg pool of ${SETTINGS.concurrency} connections.`,
      '',
      markdownTable(results.headers, results.rows),
      '',
      'transfers/s counts completed transfers (201 Created); p50 and p99 are their latencies as the client saw them. ' +
        '"x raw SQL" divides by the mean of the two baseline runs of the same traffic. Lock conflicts are the account ' +
        "service's `bankshop.account.lock_conflicts` (and `lock_retries_exhausted`) over the whole run, warm-up included.",
      '',
      `**Targets** (the service path at least ${TARGET} of the baseline):`,
      '',
      ...verdicts(runs),
      '',
      '### What limits it',
      '',
      ...analysis(runs, roundTrips),
      '',
      `Cores kept busy, averaged over each measured window (the host has ${HOST_CORES}), from the kernel's per-process ` +
        'counters read at the start and end of the window ("not ours": everything else running on the machine):',
      '',
      cpuTable(runs),
      '',
      'Per completed transfer. DB transactions (from `pg_stat_database`, relays and consumers included) and outbox ' +
        'events are per request sent, warm-up included; "backlog at end": outbox rows not yet published when the window closed.',
      '',
      perTransferTable(runs),
      '',
      'Round trips of one uniform pessimistic transfer, counted from the spans of 5 traced transfers (median), down to ' +
        "the consumers of its events (the relays' own batch statements are in traces of their own and not counted):",
      '',
      roundTripsTable(roundTrips),
    ].join('\n'),
  );
  progress('wrote the Transfers section of docs/benchmarks.md');
}

async function startStack(): Promise<Stack> {
  const identity = await new TestIdentityProvider().start();
  onCleanup('identity provider', () => identity.stop());
  const receiver = new OtlpReceiver();
  const otlpEndpoint = await receiver.start();
  onCleanup('OTLP receiver', () => receiver.stop());

  const common = {
    jwksUrl: identity.jwksUrl,
    // Lock-conflict counters and the calibration transfers' spans are read from here.
    otlpEndpoint,
  };
  const env = { LOG_LEVEL: 'warn', DB_POOL_SIZE: String(SETTINGS.dbPoolSize), OTEL_TRACES_SAMPLER: SETTINGS.tracesSampler };
  progress('starting the account and risk services');
  const [account, risk] = await Promise.all([
    startService({ app: 'account', ...common, env }),
    // Risk still runs every rule on every transfer; it just never says no.
    startService({ app: 'risk', ...common, env: { ...env, RISK_MAX_TRANSFERS_PER_MIN: '1000000000', RISK_MAX_AMOUNT: '1000000000.00' } }),
  ]);
  progress('starting the transaction service');
  const transaction = await startService({
    app: 'transaction',
    ...common,
    env: { ...env, ACCOUNT_SERVICE_URL: account.url, RISK_SERVICE_URL: risk.url },
  });

  progress('creating the baseline database');
  const scratch = await createTestDatabase('bench_raw');
  onCleanup(`drop ${scratch.name}`, () => scratch.drop());
  const baseline = new pg.Pool({ connectionString: scratch.url, max: SETTINGS.concurrency });
  baseline.on('error', () => undefined);
  onCleanup('baseline pool', () => baseline.end());
  await createBaselineSchema(baseline);
  const stats = new pg.Client({ connectionString: databaseUrl('postgres') });
  await stats.connect();
  onCleanup('statistics connection', () => stats.end());

  const owner = randomUUID();
  const accounts = {} as Stack['accounts'];
  for (const traffic of ['uniform', 'hot'] as const) {
    progress(`seeding ${ACCOUNTS[traffic]} ${traffic} accounts in the account service and in the baseline`);
    accounts[traffic] = {
      service: await seedServiceAccounts(account, owner, ACCOUNTS[traffic]),
      baseline: await seedBaselineAccounts(baseline, ACCOUNTS[traffic], OPENING_BALANCE),
    };
  }
  await account.query('ANALYZE');
  await baseline.query('ANALYZE');

  const http = new Pool(transaction.url, { connections: SETTINGS.concurrency });
  onCleanup('HTTP pool', () => http.close());
  const services = { account, risk, transaction };
  const servicePids = Object.values(services).map((service) => service.service.pid!);
  progress('waiting for the services to finish their start-up work (their consumers replay the topics from the beginning)');
  if (!(await waitUntilIdle(servicePids))) progress('the services never got idle; measuring anyway');

  const pids = new Map<number, string>([[process.pid, 'bench driver']]);
  for (const [name, service] of Object.entries(services)) pids.set(service.service.pid!, name);
  const databases = new Map([
    [account.database.name, 'account'],
    [risk.database.name, 'risk'],
    [transaction.database.name, 'transaction'],
    [scratch.name, 'raw SQL'],
  ]);
  return {
    receiver,
    account,
    risk,
    transaction,
    servicePids,
    http,
    // Admins may move money out of any account: one token drives every transfer.
    adminToken: await identity.mint({ roles: ['admin'] }, { expiresIn: '12h' }),
    baseline,
    baselineDatabase: scratch.name,
    stats,
    accounts,
    classify: classifier(pids, databases),
  };
}

/**
 * Accounts written straight into the account service's database: opening 10 000 through the API
 * would take longer than the benchmark. Each gets the DEPOSIT ledger entry its balance came from,
 * so every invariant of ARCHITECTURE.md holds as if it had been opened and funded. No events:
 * nothing downstream needs them (risk builds its profiles from transfers).
 */
async function seedServiceAccounts(account: TestService, owner: string, count: number): Promise<string[]> {
  const numbers = await account.query<{ value: string }>(`SELECT nextval('account_number_seq')::text AS value FROM generate_series(1, $1)`, [count]);
  const rows = await account.query<{ id: string }>(
    `INSERT INTO accounts (id, number, owner_id, currency, balance, held, status, version)
     SELECT gen_random_uuid(), number, $1, 'USD', $2, 0, 'ACTIVE', 1 FROM unnest($3::text[]) AS number
     RETURNING id`,
    [owner, OPENING_BALANCE, numbers.map((row) => withCheckDigit(row.value))],
  );
  const ids = rows.map((row) => row.id);
  await account.query(
    `INSERT INTO ledger_entries (id, account_id, type, amount, balance_after)
     SELECT gen_random_uuid(), id, 'DEPOSIT', balance, balance FROM accounts WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return ids;
}

/** The account service's numbering: 15 digits from its sequence and a Luhn check digit. */
function withCheckDigit(body: string): string {
  let sum = 0;
  for (let index = 0; index < body.length; index += 1) {
    const digit = Number(body[body.length - 1 - index]) * (index % 2 === 0 ? 2 : 1);
    sum += digit > 9 ? digit - 9 : digit;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/** What a client does: POST /api/transfers with a fresh Idempotency-Key. */
async function serviceTransfer(stack: Stack, from: string, to: string, amount: string, lockMode: LockMode, traceparent?: string): Promise<string> {
  const { statusCode, body } = await stack.http.request({
    method: 'POST',
    path: '/api/transfers',
    headers: {
      authorization: `Bearer ${stack.adminToken}`,
      'idempotency-key': randomUUID(),
      'content-type': 'application/json',
      ...(traceparent ? { traceparent } : {}),
    },
    body: JSON.stringify({ fromAccountId: from, toAccountId: to, amount, lockMode }),
  });
  if (statusCode === 201) {
    await body.dump();
    return OK;
  }
  const problem = (await body.json().catch(() => ({}))) as { code?: string };
  return `${statusCode} ${problem.code ?? ''}`.trim();
}

/** One run: the services in `lockMode`, or the baseline (`when` it runs relative to them). */
async function measure(stack: Stack, traffic: Traffic, { lockMode, when }: { lockMode?: LockMode; when?: 'before' | 'after' }): Promise<Run> {
  const label = `${traffic}, ${lockMode ?? `raw SQL (${when})`}`;
  const ids = lockMode ? stack.accounts[traffic].service : stack.accounts[traffic].baseline;
  const databases = lockMode ? [stack.transaction, stack.account, stack.risk].map((service) => service.database.name) : [stack.baselineDatabase];
  progress(`${label}: ${SETTINGS.warmupSeconds} s warm-up, then ${SETTINGS.seconds} s at concurrency ${SETTINGS.concurrency}`);

  const transactionsBefore = await databaseTransactions(stack, databases);
  const outboxBefore = lockMode ? await outbox(stack) : undefined;
  const countersBefore = counters(stack.receiver);

  const load = await closedLoop({ ...SETTINGS, classify: stack.classify }, () => {
    const [from, to] = distinctPair(ids);
    const amount = smallAmount();
    return lockMode ? serviceTransfer(stack, from, to, amount, lockMode) : baselineTransfer(stack.baseline, from, to, amount);
  });
  const run: Run = { ...load, traffic, lockMode, when, load: loadAverage().split(',')[0]!.trim(), transactions: 0 };
  if (lockMode) {
    await expectAlive([stack.transaction, stack.account, stack.risk]);
    run.backlogAtEnd = (await outbox(stack)).unpublished;
    await drain(stack, label);
    const countersAfter = counters(stack.receiver);
    run.conflicts = countersAfter.conflicts - countersBefore.conflicts;
    run.exhausted = countersAfter.exhausted - countersBefore.exhausted;
    run.upstreamRetries = countersAfter.upstreamRetries - countersBefore.upstreamRetries;
    run.outboxEvents = (await outbox(stack)).events - outboxBefore!.events;
  } else {
    await sleep(1_500); // backends publish their transaction counters when idle, within a second
  }
  run.transactions = (await databaseTransactions(stack, databases)) - transactionsBefore;

  const others = [...run.answers].filter(([answer]) => answer !== OK);
  progress(
    `${label}: ${fixed(throughput(run))} transfers/s, p50 ${fixed(percentile(run.latencies, 50), 1)} ms, ` +
      `p99 ${fixed(percentile(run.latencies, 99), 1)} ms` +
      (others.length ? `, other answers ${others.map(([answer, count]) => `${answer}: ${count}`).join(', ')}` : '') +
      (lockMode === 'optimistic' ? `, lock conflicts ${run.conflicts} (retries exhausted ${run.exhausted})` : '') +
      (run.upstreamRetries ? `, upstream retries ${run.upstreamRetries}` : '') +
      `; host CPU ${fixed(run.cpu.hostBusyPercent)}%, load ${run.load}`,
  );
  return run;
}

/**
 * Waits until the relays have published every event, no transfer is left PENDING (optimistic
 * captures that gave up are finished by the recovery sweeper) and the consumers are done (the
 * services are idle): one run's leftovers must not run during the next. This also leaves time
 * for another metrics export.
 */
async function drain(stack: Stack, label: string): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  await sleep(2_500);
  for (;;) {
    const { unpublished } = await outbox(stack);
    const [pending] = await stack.transaction.query<{ count: number }>(`SELECT count(*)::int AS count FROM transfers WHERE status = 'PENDING'`);
    if (unpublished === 0 && pending!.count === 0) break;
    if (Date.now() > deadline) {
      progress(`${label}: still ${unpublished} unpublished events and ${pending!.count} pending transfers; going on`);
      return;
    }
    await sleep(1_000);
  }
  if (!(await waitUntilIdle(stack.servicePids, { timeoutMs: Math.max(1, deadline - Date.now()) }))) {
    progress(`${label}: the services are still busy; going on`);
  }
}

async function outbox(stack: Stack): Promise<{ events: number; unpublished: number }> {
  const counts = await Promise.all(
    [stack.account, stack.risk, stack.transaction].map(async (service) => {
      const [row] = await service.query<{ events: number; unpublished: number }>(
        `SELECT count(*)::int AS events, (count(*) FILTER (WHERE published_at IS NULL))::int AS unpublished FROM outbox`,
      );
      return row!;
    }),
  );
  return {
    events: counts.reduce((sum, count) => sum + count.events, 0),
    unpublished: counts.reduce((sum, count) => sum + count.unpublished, 0),
  };
}

async function databaseTransactions(stack: Stack, databases: string[]): Promise<number> {
  const { rows } = await stack.stats.query<{ count: string }>(
    `SELECT sum(xact_commit + xact_rollback)::text AS count FROM pg_stat_database WHERE datname = ANY($1)`,
    [databases],
  );
  return Number(rows[0]?.count ?? 0);
}

/** The services' cumulative counters as last exported (summing the latest point of each label set). */
function counters(receiver: OtlpReceiver): Record<Counter, number> {
  const latest = new Map<string, number>();
  for (const point of receiver.metrics) latest.set(`${point.service} ${point.name} ${JSON.stringify(point.attributes)}`, point.value);
  const total = ([service, name]: readonly [string, string]) =>
    [...latest].filter(([key]) => key.startsWith(`${service} ${name} `)).reduce((sum, [, value]) => sum + value, 0);
  return { conflicts: total(COUNTERS.conflicts), exhausted: total(COUNTERS.exhausted), upstreamRetries: total(COUNTERS.upstreamRetries) };
}

function distinctPair(ids: readonly string[]): [string, string] {
  const from = randomInt(ids.length);
  const to = (from + 1 + randomInt(ids.length - 1)) % ids.length;
  return [ids[from]!, ids[to]!];
}

/** 1.00 to 9.99: no risk rule's concern, and never enough to drain an account. */
function smallAmount(): string {
  return `${randomInt(1, 10)}.${String(randomInt(100)).padStart(2, '0')}`;
}

function progress(message: string): void {
  console.log(`[bench:transfers ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

// Last, so that every constant above is initialised when main() runs.
await runBenchmark('bench:transfers', main);
