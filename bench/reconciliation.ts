/**
 * `npm run bench:reconciliation`: how long one reconciliation run (`POST /api/admin/reconciliations`
 * on the transaction service, with the account service behind it) takes on a book of
 * BENCH_LEDGER_ENTRIES ledger entries, and whether the memory of either service grows while it
 * runs (it must stream: ARCHITECTURE.md "Audit and reconciliation", target: one minute for
 * 1 000 000 entries). In the same run on the same databases, the baseline: the same reads as
 * plain SQL streamed through a cursor, the least work any reconciliation must do. Then one
 * balance is changed and one ledger entry deleted, and the run must report exactly that.
 * Prints the results and rewrites the "Reconciliation" section of docs/benchmarks.md.
 *
 * Settings (environment): BENCH_LEDGER_ENTRIES (1 000 000), BENCH_ACCOUNTS (10 000: one DEPOSIT
 * each; the other entries are transfer legs, two per COMPLETED transfer), BENCH_SERVICE_HEAP_MB
 * (unset: each service's V8 old-space cap), BENCH_TRACES_SAMPLER (always_off).
 */
import pg from 'pg';
import { request } from 'undici';
import { databaseUrl, TestIdentityProvider, type TestService } from '@bankshop/testing';
import { onCleanup, runBenchmark } from './support/cleanup.ts';
import { classifier, cpuSnapshot, cpuUsage, HOST_CORES, waitUntilIdle, type Classifier, type CpuUsage } from './support/cpu.ts';
import { loadAverage } from './support/machine.ts';
import { startRun } from './support/run.ts';
import { consoleTable, markdownTable, writeSection } from './support/report.ts';
import { expectAlive, startService } from './support/services.ts';
import { envInt, fixed, mean } from './support/stats.ts';
import { baselineReconciliation, openBaseline, type BaselineResult } from './reconciliation/baseline.ts';
import { MemorySampler, type Memory } from './reconciliation/memory.ts';
import { planBook, seedAccountBook, seededAccount, seededTransfer, seedTransfers } from './reconciliation/seed.ts';

const BOOK = planBook(envInt('BENCH_LEDGER_ENTRIES', 1_000_000), envInt('BENCH_ACCOUNTS', 10_000, 2));
// The SDK reads this variable (NodeSDK falls back to OTEL_TRACES_SAMPLER when given no sampler).
const TRACES_SAMPLER = process.env.BENCH_TRACES_SAMPLER || 'always_off';
/**
 * A cap on each service's V8 old space (MiB), unset by default. A run that completes under a cap
 * far below what the book would take as JavaScript objects cannot have loaded it: RSS alone
 * cannot tell retained memory from garbage not yet collected.
 */
const SERVICE_HEAP_MB = envInt('BENCH_SERVICE_HEAP_MB', 0, 0) || undefined;
/** ARCHITECTURE.md's requirement, for 1 000 000 ledger entries. */
const TARGET_SECONDS = 60;
/** The transaction service's page (reconciliation.service.ts PAGE): transfers and legs per request. */
const SERVICE_PAGE = 2_000;
/** Reconciliation calls no risk service; the transaction service only needs a URL to boot. */
const NOT_STARTED = 'http://127.0.0.1:9';
/** A run may take long on a loaded machine: wait for its answer rather than give up. */
const ANSWER_TIMEOUT_MS = 30 * 60_000;

interface Discrepancy {
  kind: string;
  accountId?: string;
  transferId?: string;
  expected?: string;
  actual?: string;
}

interface Reconciliation {
  status: string;
  checked: { accounts: number; transfers: number; ledgerEntries: number };
  discrepancies: Discrepancy[];
}

interface ServiceRun {
  label: string;
  ms: number;
  result: Reconciliation;
  memory: Map<string, Memory>;
  cpu: CpuUsage;
  load: string;
}

interface BaselineRun extends BaselineResult {
  label: string;
  cpu: CpuUsage;
  load: string;
}

interface Seeding {
  ms: number;
  vacuumMs: number;
  /** pg_size_pretty of each table, indexes included. */
  ledgerSize: string;
  transfersSize: string;
}

interface Stack {
  account: TestService;
  transaction: TestService;
  adminToken: string;
  classify: Classifier;
}

async function main(): Promise<void> {
  const { started, machine, loadAtStart } = await startRun(progress);
  progress(`book: ${BOOK.ledgerEntries} ledger entries = ${BOOK.accounts} deposits + ${BOOK.transfers} transfers x 2 legs`);

  const stack = await startStack();
  const seeding = await seed(stack);
  progress('waiting for the services to finish their start-up work');
  if (!(await waitUntilIdle(pids(stack)))) progress('the services never got idle; measuring anyway');

  const baselineBefore = await measureBaseline(stack, 'raw SQL, before');
  const clean = await measureService(stack, 'service, clean book');
  check(clean.result.status === 'CLEAN', `the clean book was reported ${clean.result.status}: ${JSON.stringify(clean.result.discrepancies.slice(0, 5))}`);
  checkCounts(clean.result);
  const baselineAfter = await measureBaseline(stack, 'raw SQL, after');

  const expected = await corrupt(stack);
  const corrupted = await measureService(stack, 'service, corrupted book');
  checkCounts(corrupted.result, BOOK.ledgerEntries - 1);
  const found = corrupted.result.discrepancies.map(canonical).sort();
  const wanted = expected.map(canonical).sort();
  check(
    corrupted.result.status === 'DISCREPANCIES' && JSON.stringify(found) === JSON.stringify(wanted),
    `the corrupted book was reported ${corrupted.result.status} with ${JSON.stringify(corrupted.result.discrepancies)}, expected ${JSON.stringify(expected)}`,
  );
  progress(`the corrupted book: exactly the ${expected.length} expected discrepancies`);

  const baseline = mean([baselineBefore.ms, baselineAfter.ms]);
  const runs = runsTable([baselineBefore, clean, baselineAfter, corrupted], baseline);
  const memory = memoryTable([clean, corrupted]);
  const cpu = cpuTable([baselineBefore, clean, baselineAfter, corrupted]);
  console.log(`\n${consoleTable(runs.headers, runs.rows)}\n\n${consoleTable(memory.headers, memory.rows)}\n\n${consoleTable(cpu.headers, cpu.rows)}\n`);
  const verdict = `${fixed(clean.ms / 1000, 1)} s for ${BOOK.ledgerEntries} ledger entries, ${fixed(clean.ms / baseline, 1)} x the baseline`;
  const met = clean.ms <= TARGET_SECONDS * 1000;
  progress(`${verdict}: target ${met ? 'met' : 'NOT met'}`);

  writeSection(
    'reconciliation',
    [
      '## Reconciliation',
      '',
      `Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench:reconciliation\` (\`bench/reconciliation.ts\`).`,
      '',
      `- **Machine**: ${machine}.`,
      `- **Load average** (\`uptime\`): ${loadAtStart} at the start, ${loadAverage()} at the end; each run's 1-minute load is in the table.`,
      `- **Settings**: ${BOOK.ledgerEntries} ledger entries: ${BOOK.accounts} accounts with one DEPOSIT each and ${BOOK.transfers} ` +
        'COMPLETED transfers, each a TRANSFER_DEBIT and a TRANSFER_CREDIT in the account database and a row in the transaction ' +
        `database, written in SQL (${fixed(seeding.ms / 1000, 1)} s, then ${fixed(seeding.vacuumMs / 1000, 1)} s of VACUUM ANALYZE; ` +
        `not measured). Tables: ledger_entries ${seeding.ledgerSize}, transfers ${seeding.transfersSize}. Services: LOG_LEVEL warn, ` +
        `OTEL_TRACES_SAMPLER ${TRACES_SAMPLER}, DB_POOL_SIZE 10, ` +
        (SERVICE_HEAP_MB ? `V8 old space capped at ${SERVICE_HEAP_MB} MiB (--max-old-space-size), ` : 'V8 heap not capped, ') +
        `reconciliation pages of ${SERVICE_PAGE} ` +
        `(${Math.floor(BOOK.transfers / SERVICE_PAGE) + 1} pages of transfers and as many of legs). Memory: VmRSS of each service sampled ` +
        'every 100 ms during the run, and VmHWM before and after.',
      '',
      markdownTable(runs.headers, runs.rows),
      '',
      '"x raw SQL": the run divided by the mean of the two baseline runs. The baseline, on the same databases: every balance ' +
        'against the sum of its ledger in one REPEATABLE READ snapshot (the account service\'s own query), then all transfer ' +
        'legs ordered by transfer id and all transfers ordered by id, streamed side by side through cursors 10 000 rows a ' +
        'fetch: PostgreSQL reading, sorting and sending the rows, with no HTTP, no JSON and no comparison in JavaScript. ' +
        'The corrupted book: one balance raised by 1.00 and the debit of one transfer deleted, which must come back as ' +
        'exactly a BALANCE_MISMATCH of each account and a MISSING_LEDGER_ENTRY of the transfer.',
      '',
      `**Target** (${TARGET_SECONDS} s for 1 000 000 ledger entries): ${verdict}: ` +
        (BOOK.ledgerEntries === 1_000_000 ? (met ? 'met' : '**not met**') : `not applicable (${BOOK.ledgerEntries} entries)`),
      '',
      'Memory of each service process (MiB). "before": resident when the run was sent; "peak": the largest of the samples taken ' +
        'during the run; "growth": peak minus before; VmHWM: the kernel\'s high-water mark since the process started, read ' +
        'before and after the run (unchanged: the run never went above what the service had already used):',
      '',
      markdownTable(memory.headers, memory.rows),
      '',
      `CPU seconds used during each run by each group (the host has ${HOST_CORES} cores; "not ours": everything else on the machine), ` +
        "from the kernel's per-process counters read when the run was sent and when its answer arrived:",
      '',
      markdownTable(cpu.headers, cpu.rows),
      '',
      '### Where the time goes',
      '',
      ...analysis(clean, seeding, baselineBefore, baselineAfter),
    ].join('\n'),
  );
  progress('wrote the Reconciliation section of docs/benchmarks.md');
}

async function startStack(): Promise<Stack> {
  const identity = await new TestIdentityProvider().start();
  onCleanup('identity provider', () => identity.stop());
  // The daily run must not start during a measurement: schedule it half a day from now.
  const cron = `0 ${(new Date().getUTCHours() + 12) % 24} * * *`;
  const env = {
    LOG_LEVEL: 'warn',
    OTEL_TRACES_SAMPLER: TRACES_SAMPLER,
    RECONCILIATION_CRON: cron,
    ...(SERVICE_HEAP_MB ? { NODE_OPTIONS: `--max-old-space-size=${SERVICE_HEAP_MB}` } : {}),
  };
  progress('starting the account service');
  const account = await startService({ app: 'account', jwksUrl: identity.jwksUrl, env });
  progress('starting the transaction service');
  const transaction = await startService({
    app: 'transaction',
    jwksUrl: identity.jwksUrl,
    env: { ...env, ACCOUNT_SERVICE_URL: account.url, RISK_SERVICE_URL: NOT_STARTED },
  });
  const named = new Map([
    [process.pid, 'bench driver'],
    [account.service.pid!, 'account'],
    [transaction.service.pid!, 'transaction'],
  ]);
  const databases = new Map([
    [account.database.name, 'account'],
    [transaction.database.name, 'transaction'],
  ]);
  return {
    account,
    transaction,
    adminToken: await identity.mint({ roles: ['admin'] }, { expiresIn: '12h' }),
    classify: classifier(named, databases),
  };
}

/** Writes the book into both databases at once, then VACUUM ANALYZE, as autovacuum would have by now. */
async function seed(stack: Stack): Promise<Seeding> {
  progress(
    `seeding ${BOOK.ledgerEntries} ledger entries and ${BOOK.transfers} transfers in SQL ` +
      `(databases ${stack.account.database.name}, ${stack.transaction.database.name})`,
  );
  // Stopping a service waits for its connections: an interrupted seeding is cancelled first.
  const databases = [stack.account.database.name, stack.transaction.database.name];
  onCleanup('cancel the seeding', () => cancelQueries(databases));
  const started = performance.now();
  await Promise.all([seedAccountBook(stack.account, BOOK), seedTransfers(stack.transaction, BOOK)]);
  const ms = performance.now() - started;
  progress(`seeded in ${fixed(ms / 1000, 1)} s; VACUUM ANALYZE`);
  const vacuumStarted = performance.now();
  await Promise.all([stack.account.query('VACUUM (ANALYZE)'), stack.transaction.query('VACUUM (ANALYZE)')]);
  const vacuumMs = performance.now() - vacuumStarted;
  const [entries] = await stack.account.query<{ count: number; size: string }>(
    `SELECT count(*)::int AS count, pg_size_pretty(pg_total_relation_size('ledger_entries')) AS size FROM ledger_entries`,
  );
  const [transfers] = await stack.transaction.query<{ count: number; size: string }>(
    `SELECT count(*)::int AS count, pg_size_pretty(pg_total_relation_size('transfers')) AS size FROM transfers`,
  );
  check(entries!.count === BOOK.ledgerEntries && transfers!.count === BOOK.transfers, `seeded ${entries!.count} entries and ${transfers!.count} transfers`);
  progress(`vacuumed in ${fixed(vacuumMs / 1000, 1)} s; ledger_entries ${entries!.size} (indexes included), transfers ${transfers!.size}`);
  return { ms, vacuumMs, ledgerSize: entries!.size, transfersSize: transfers!.size };
}

async function cancelQueries(databases: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    await client.query(`SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = ANY($1) AND state = 'active'`, [databases]);
  } finally {
    await client.end();
  }
}

async function measureService(stack: Stack, label: string): Promise<ServiceRun> {
  progress(`${label}: POST /api/admin/reconciliations`);
  const services = { account: stack.account, transaction: stack.transaction };
  const sampler = new MemorySampler(Object.values(services).map((service) => service.service.pid!));
  sampler.start();
  const cpuBefore = cpuSnapshot(stack.classify);
  const sent = performance.now();
  const { statusCode, body } = await request(`${stack.transaction.url}/api/admin/reconciliations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.adminToken}` },
    headersTimeout: ANSWER_TIMEOUT_MS,
    bodyTimeout: ANSWER_TIMEOUT_MS,
  });
  const answer = (await body.json()) as Reconciliation;
  const ms = performance.now() - sent;
  const cpu = cpuUsage(cpuBefore, cpuSnapshot(stack.classify));
  const samples = sampler.stop();
  await expectAlive(Object.values(services));
  check(
    statusCode === 201,
    `${label}: answered ${statusCode} ${JSON.stringify(answer)}; the transaction service's last output:\n${stack.transaction.service.output().slice(-3000)}`,
  );
  const memory = new Map(Object.entries(services).map(([name, service]) => [name, samples.get(service.service.pid!)!]));
  const run = { label, ms, result: answer, memory, cpu, load: load1m() };
  progress(
    `${label}: ${fixed(ms / 1000, 1)} s, ${answer.status}, checked ${JSON.stringify(answer.checked)}; peak RSS ` +
      [...memory].map(([name, sample]) => `${name} ${fixed(sample.peak)} MiB (from ${fixed(sample.before)})`).join(', ') +
      `; host CPU ${fixed(cpu.hostBusyPercent)}%, load ${run.load}`,
  );
  return run;
}

async function measureBaseline(stack: Stack, label: string): Promise<BaselineRun> {
  progress(`${label}: the same reads in plain SQL`);
  const connections = await openBaseline(stack.account.database.url, stack.transaction.database.url);
  let result: BaselineResult;
  let cpu: CpuUsage;
  try {
    const cpuBefore = cpuSnapshot(stack.classify);
    result = await baselineReconciliation(connections, new Date());
    cpu = cpuUsage(cpuBefore, cpuSnapshot(stack.classify));
  } finally {
    await connections.close();
  }
  check(
    result.ledgerEntries === BOOK.ledgerEntries && result.legs === 2 * BOOK.transfers && result.transfers === BOOK.transfers,
    `${label}: read ${JSON.stringify(result)}`,
  );
  const run = { label, ...result, cpu, load: load1m() };
  progress(`${label}: ${fixed(result.ms / 1000, 1)} s; host CPU ${fixed(cpu.hostBusyPercent)}%, load ${run.load}`);
  return run;
}

/**
 * Raises one balance by 1.00 and deletes the debit of one transfer (from another account), and
 * says what a correct run reports: a BALANCE_MISMATCH of each account (the ledger sums as they
 * now are) and a MISSING_LEDGER_ENTRY of the transfer, naming the credit that is left.
 */
async function corrupt(stack: Stack): Promise<Discrepancy[]> {
  const transfer = await seededTransfer(stack.account, BOOK, Math.floor(BOOK.transfers / 2));
  let index = 0;
  let raised = await seededAccount(stack.account, index);
  while (raised === transfer.from || raised === transfer.to) raised = await seededAccount(stack.account, (index += 1));
  progress(`corrupting the book: account ${raised} +1.00, the debit of transfer ${transfer.id} deleted`);
  await stack.account.query(`UPDATE accounts SET balance = balance + 1 WHERE id = $1`, [raised]);
  const [deleted] = await stack.account.query<{ amount: string }>(
    `DELETE FROM ledger_entries WHERE transfer_id = $1 AND type = 'TRANSFER_DEBIT' RETURNING amount::text`,
    [transfer.id],
  );
  const [credit] = await stack.account.query<{ amount: string }>(
    `SELECT amount::text FROM ledger_entries WHERE transfer_id = $1 AND type = 'TRANSFER_CREDIT'`,
    [transfer.id],
  );
  const books = await stack.account.query<{ id: string; balance: string; ledger_sum: string }>(
    `SELECT a.id, a.balance::text AS balance, (SELECT sum(amount) FROM ledger_entries WHERE account_id = a.id)::text AS ledger_sum
       FROM accounts a WHERE a.id = ANY($1::uuid[])`,
    [[raised, transfer.from]],
  );
  return [
    ...books.map((row) => ({ kind: 'BALANCE_MISMATCH', accountId: row.id, expected: row.ledger_sum, actual: row.balance })),
    {
      kind: 'MISSING_LEDGER_ENTRY',
      transferId: transfer.id,
      expected: deleted!.amount.replace(/^-/, ''),
      actual: `credit ${credit!.amount} on ${transfer.to}`,
    },
  ];
}

/** What a run says it checked: every account and transfer, and `entries` ledger entries. */
function checkCounts(result: Reconciliation, entries = BOOK.ledgerEntries): void {
  const { accounts, transfers, ledgerEntries } = result.checked;
  check(
    accounts === BOOK.accounts && transfers === BOOK.transfers && ledgerEntries === entries,
    `checked ${JSON.stringify(result.checked)}, expected ${JSON.stringify({ ...BOOK, ledgerEntries: entries })}`,
  );
}

function runsTable(runs: (ServiceRun | BaselineRun)[], baseline: number): { headers: string[]; rows: string[][] } {
  return {
    headers: ['run', 'seconds', 'x raw SQL', 'x target', 'status', 'accounts', 'transfers', 'ledger entries', 'discrepancies', 'load 1m'],
    rows: runs.map((run) => {
      const service = 'result' in run ? run.result : undefined;
      return [
        run.label,
        fixed(run.ms / 1000, 1),
        fixed(run.ms / baseline, 1),
        fixed(run.ms / 1000 / TARGET_SECONDS, 2),
        service?.status ?? '-',
        String(service?.checked.accounts ?? (run as BaselineRun).accounts),
        String(service?.checked.transfers ?? (run as BaselineRun).transfers),
        String(service?.checked.ledgerEntries ?? (run as BaselineRun).ledgerEntries),
        service ? describeDiscrepancies(service.discrepancies) : String((run as BaselineRun).mismatches),
        run.load,
      ];
    }),
  };
}

function memoryTable(runs: ServiceRun[]): { headers: string[]; rows: string[][] } {
  return {
    headers: ['run', 'service', 'RSS before', 'RSS peak', 'growth', 'VmHWM before', 'VmHWM after'],
    rows: runs.flatMap((run) =>
      [...run.memory].map(([name, memory]) => [
        run.label,
        name,
        fixed(memory.before),
        fixed(memory.peak),
        fixed(memory.peak - memory.before),
        fixed(memory.highWaterBefore),
        fixed(memory.highWaterAfter),
      ]),
    ),
  };
}

const CPU_GROUPS = ['transaction', 'account', 'postgres: transaction', 'postgres: account', 'postgres: background', 'bench driver'];

function cpuTable(runs: (ServiceRun | BaselineRun)[]): { headers: string[]; rows: string[][] } {
  return {
    headers: ['run', 'seconds', 'host busy', ...CPU_GROUPS, 'not ours'],
    rows: runs.map((run) => {
      const seconds = run.ms / 1000;
      return [
        run.label,
        fixed(seconds, 1),
        `${fixed(run.cpu.hostBusyPercent)}%`,
        ...CPU_GROUPS.map((group) => fixed((run.cpu.cores.get(group) ?? 0) * seconds, 1)),
        fixed(run.cpu.otherCores * seconds, 1),
      ];
    }),
  };
}

/** What the numbers say, in sentences computed from them. */
function analysis(clean: ServiceRun, seeding: Seeding, ...baselines: BaselineRun[]): string[] {
  const seconds = clean.ms / 1000;
  const cpu = (run: { cpu: CpuUsage; ms: number }, group: string) => (run.cpu.cores.get(group) ?? 0) * (run.ms / 1000);
  const node = cpu(clean, 'transaction') + cpu(clean, 'account');
  const postgres = (run: ServiceRun | BaselineRun) => cpu(run, 'postgres: transaction') + cpu(run, 'postgres: account');
  const baselineSeconds = mean(baselines.map((run) => run.ms / 1000));
  const ours = node + postgres(clean) + cpu(clean, 'bench driver');
  const growth = (name: string) => fixed(clean.memory.get(name)!.peak - clean.memory.get(name)!.before);
  return [
    `- **CPU, not waiting.** The clean run took ${fixed(seconds, 1)} s; the two Node services used ${fixed(node, 1)} s of CPU ` +
      `(transaction ${fixed(cpu(clean, 'transaction'), 1)}, account ${fixed(cpu(clean, 'account'), 1)}) and their PostgreSQL ` +
      `backends ${fixed(postgres(clean), 1)} s, against ${fixed(mean(baselines.map(postgres)), 1)} s of PostgreSQL and ` +
      `${fixed(mean(baselines.map((run) => cpu(run, 'bench driver'))), 1)} s of driver for the baseline (${fixed(baselineSeconds, 1)} s). ` +
      `The host was ${fixed(clean.cpu.hostBusyPercent)}% busy and ${fixed(clean.cpu.otherCores * seconds, 1)} CPU seconds of the run's ` +
      `window went to other work: the run got ${fixed(ours / seconds, 2)} of the ${HOST_CORES} cores, so its wall time is mostly ` +
      'its CPU divided by that share. On an idle machine it would be bounded by the CPU of its slowest serial chain instead.',
    `- **What the service adds to the baseline**: ${Math.floor(BOOK.transfers / SERVICE_PAGE) + 1} HTTP requests from the transaction ` +
      `service to the account service for the legs, each a JSON page of up to ${2 * SERVICE_PAGE} legs that one process ` +
      'serialises and the other parses; a keyset query per page on each side instead of one cursor (the legs page reads each ' +
      'leg twice: once to pick the page\'s transfer ids, once to join them back); and the comparison of every transfer with ' +
      'its legs in JavaScript, with decimal arithmetic on each amount. The pages are fetched one after the other and only when ' +
      'the merge needs them, so the two services and the two databases mostly take turns rather than work side by side.',
    `- **Memory.** During the clean run the resident set grew by ${growth('transaction')} MiB (transaction) and ` +
      `${growth('account')} MiB (account)` +
      (SERVICE_HEAP_MB ? `, with each service's V8 old space capped at ${SERVICE_HEAP_MB} MiB` : '') +
      `, while the book takes ${seeding.ledgerSize} (ledger_entries) and ${seeding.transfersSize} (transfers) in PostgreSQL. ` +
      'Resident memory includes garbage V8 has not collected yet (it lets the heap grow before a full collection), so growth ' +
      'is an upper bound on what the run keeps: the merge holds one page of transfers and one of legs at a time, and the ' +
      'second run, on a heap already grown, added little.',
  ];
}

function describeDiscrepancies(discrepancies: Discrepancy[]): string {
  if (discrepancies.length === 0) return '0';
  const kinds = new Map<string, number>();
  for (const discrepancy of discrepancies) kinds.set(discrepancy.kind, (kinds.get(discrepancy.kind) ?? 0) + 1);
  return [...kinds].map(([kind, count]) => `${kind}: ${count}`).join(', ');
}

/** The same discrepancy whatever the order of its keys (the service stores them as jsonb). */
function canonical(discrepancy: Discrepancy): string {
  return JSON.stringify(Object.fromEntries(Object.entries(discrepancy).sort(([a], [b]) => a.localeCompare(b))));
}

function pids(stack: Stack): number[] {
  return [stack.account.service.pid!, stack.transaction.service.pid!];
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const load1m = () => loadAverage().split(',')[0]!.trim();

function progress(message: string): void {
  console.log(`[bench:reconciliation ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

// Last, so that every constant above is initialised when main() runs.
await runBenchmark('bench:reconciliation', main);
