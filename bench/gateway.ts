/**
 * `npm run bench:gateway`: what the gateway costs. Requests per second and latency of one trivial
 * route, `GET /api/accounts/:id` (the account service answers it from its read cache), called
 * directly on the account service and through the gateway, in one run, alternating between the
 * two so that drift in the machine's load falls on both alike. Prints the results and rewrites
 * the "Gateway" section of docs/benchmarks.md.
 *
 * Settings (environment): BENCH_CONNECTIONS (64), BENCH_SECONDS (15 per round), BENCH_ROUNDS (4:
 * direct, gateway, direct, gateway, ...; the machine's speed drifts by 10-20 % between rounds, so
 * the mean of several is what is compared), BENCH_WARMUP_SECONDS (10, each path once, not counted),
 * BENCH_TRACES_SAMPLER (always_off).
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { TestIdentityProvider } from '@bankshop/testing';
import { onCleanup, runBenchmark } from './support/cleanup.ts';
import { classifier, cpuSnapshot, cpuUsage, HOST_CORES, waitUntilIdle, type Classifier, type CpuUsage } from './support/cpu.ts';
import { loadAverage } from './support/machine.ts';
import { startRun } from './support/run.ts';
import { consoleTable, markdownTable, writeSection } from './support/report.ts';
import { expectAlive, startService } from './support/services.ts';
import { envInt, fixed, mean } from './support/stats.ts';

const CONNECTIONS = envInt('BENCH_CONNECTIONS', 64);
const SECONDS = envInt('BENCH_SECONDS', 15);
const ROUNDS = envInt('BENCH_ROUNDS', 4);
const WARMUP_SECONDS = envInt('BENCH_WARMUP_SECONDS', 10, 0);
// Tracing costs the same on both paths per service crossed; it is not what this measures. The
// SDK reads this variable (NodeSDK falls back to OTEL_TRACES_SAMPLER when given no sampler).
const TRACES_SAMPLER = process.env.BENCH_TRACES_SAMPLER || 'always_off';
const TARGET = 0.6;

/** The services a gateway routes to that this benchmark does not start: nothing listens there. */
const NOT_STARTED = 'http://127.0.0.1:9';

type Path = 'direct' | 'gateway';

interface Round {
  path: Path;
  round: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  cpu: CpuUsage;
  load: string;
}

async function main(): Promise<void> {
  const { started, machine, loadAtStart } = await startRun(progress);

  const identity = await new TestIdentityProvider().start();
  onCleanup('identity provider', () => identity.stop());
  const env = { LOG_LEVEL: 'warn', OTEL_TRACES_SAMPLER: TRACES_SAMPLER };
  progress('starting the account service');
  const account = await startService({ app: 'account', jwksUrl: identity.jwksUrl, env });
  progress('starting the gateway');
  const gateway = await startService({
    app: 'gateway',
    jwksUrl: identity.jwksUrl,
    env: {
      ...env,
      // The gateway signs with the test identity's key, so the benchmark's token is its own.
      JWT_PRIVATE_KEY: identity.privateKeyPem,
      ACCOUNT_SERVICE_URL: account.url,
      TRANSACTION_SERVICE_URL: NOT_STARTED,
      RISK_SERVICE_URL: NOT_STARTED,
      ORDER_SERVICE_URL: NOT_STARTED,
      INVENTORY_SERVICE_URL: NOT_STARTED,
      PAYMENT_SERVICE_URL: NOT_STARTED,
      // The limiter still takes every request's token from the bucket in Redis (leased in batches, as
      // for any caller this busy); it just never refuses.
      RATE_LIMIT_CAPACITY: '1000000000',
      RATE_LIMIT_REFILL_PER_SEC: '1000000000',
      AUTH_RATE_LIMIT_PER_MIN: '1000000000',
    },
  });

  const user = randomUUID();
  const token = await identity.mint({ sub: user, roles: ['customer'] }, { expiresIn: '12h' });
  const accountId = await openAccount(account.url, token);
  const route = `/api/accounts/${accountId}`;
  const urls: Record<Path, string> = { direct: `${account.url}${route}`, gateway: `${gateway.url}${route}` };
  await expectSameAnswer(urls, token);

  const pids = [account.service.pid!, gateway.service.pid!];
  progress('waiting for the services to finish their start-up work');
  if (!(await waitUntilIdle(pids))) progress('the services never got idle; measuring anyway');
  const classify = classifier(
    new Map([
      [process.pid, 'bench driver (autocannon)'],
      [account.service.pid!, 'account'],
      [gateway.service.pid!, 'gateway'],
    ]),
    new Map([
      [account.database.name, 'account'],
      [gateway.database.name, 'gateway'],
    ]),
  );

  if (WARMUP_SECONDS > 0) {
    progress(`warm-up: ${WARMUP_SECONDS} s on each path, not counted`);
    for (const path of ['direct', 'gateway'] as const) await load(urls[path], token, WARMUP_SECONDS);
  }
  const rounds: Round[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const path of ['direct', 'gateway'] as const) {
      progress(`round ${round}, ${path}: ${SECONDS} s, ${CONNECTIONS} connections`);
      rounds.push(await measure(path, round, urls[path], token, classify));
      await expectAlive([account, gateway]);
    }
  }

  const report = summarise(rounds);
  console.log(`\n${consoleTable(report.headers, report.rows)}\n\n${report.verdict}\n`);
  writeSection(
    'gateway',
    [
      '## Gateway',
      '',
      `Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench:gateway\` (\`bench/gateway.ts\`).`,
      '',
      `- **Machine**: ${machine}.`,
      `- **Load average** (\`uptime\`): ${loadAtStart} at the start, ${loadAverage()} at the end; each round's 1-minute load is in the table.`,
      `- **Settings**: \`GET /api/accounts/:id\` of one account with its owner's token, autocannon with ${CONNECTIONS} ` +
        `connections, ${ROUNDS} rounds of ${SECONDS} s per path alternating direct and gateway, after a ${WARMUP_SECONDS} s ` +
        `warm-up of each; LOG_LEVEL warn, OTEL_TRACES_SAMPLER ${TRACES_SAMPLER}, rate limits too high to refuse (still checked in Redis).`,
      '',
      markdownTable(report.headers, report.rows),
      '',
      `**Target** (gateway at least ${TARGET} of direct): ${report.verdict}`,
      '',
      '### What limits it',
      '',
      ...analysis(rounds),
      '',
      `Cores kept busy, averaged over each round (the host has ${HOST_CORES}); "not ours": everything else on the machine:`,
      '',
      cpuTable(rounds),
    ].join('\n'),
  );
  progress('wrote the Gateway section of docs/benchmarks.md');
}

async function openAccount(accountUrl: string, token: string): Promise<string> {
  const response = await fetch(`${accountUrl}/api/accounts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ currency: 'USD' }),
  });
  if (response.status !== 201) throw new Error(`could not open an account: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** Both paths must give the same answer, or the comparison would be of two different things. */
async function expectSameAnswer(urls: Record<Path, string>, token: string): Promise<void> {
  const [direct, viaGateway] = await Promise.all(
    [urls.direct, urls.gateway].map(async (url) => {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, body: await response.text() };
    }),
  );
  if (direct!.status !== 200 || viaGateway!.status !== 200 || direct!.body !== viaGateway!.body) {
    throw new Error(`the two paths answer differently: direct ${direct!.status} ${direct!.body}, gateway ${viaGateway!.status} ${viaGateway!.body}`);
  }
}

function load(url: string, token: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, connections: CONNECTIONS, duration: seconds, headers: { authorization: `Bearer ${token}` } });
}

async function measure(path: Path, round: number, url: string, token: string, classify: Classifier): Promise<Round> {
  const before = cpuSnapshot(classify);
  const result = await load(url, token, SECONDS);
  const cpu = cpuUsage(before, cpuSnapshot(classify));
  const measured: Round = {
    path,
    round,
    requestsPerSecond: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    cpu,
    load: loadAverage().split(',')[0]!.trim(),
  };
  progress(
    `round ${round}, ${path}: ${fixed(measured.requestsPerSecond)} req/s, p50 ${measured.p50} ms, p99 ${measured.p99} ms, ` +
      `errors ${measured.errors}; host CPU ${fixed(cpu.hostBusyPercent)}%, load ${measured.load}`,
  );
  return measured;
}

function average(rounds: Round[], path: Path, value: (round: Round) => number): number {
  return mean(rounds.filter((round) => round.path === path).map(value));
}

function summarise(rounds: Round[]): { headers: string[]; rows: string[][]; verdict: string } {
  const ratio = average(rounds, 'gateway', (round) => round.requestsPerSecond) / average(rounds, 'direct', (round) => round.requestsPerSecond);
  const row = (label: string, round: string, requestsPerSecond: number, p50: number, p99: number, errors: number, load: string, ofDirect: string) => [
    label,
    round,
    fixed(requestsPerSecond),
    fixed(p50, 1),
    fixed(p99, 1),
    String(errors),
    ofDirect,
    load,
  ];
  return {
    headers: ['path', 'round', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'x direct', 'load 1m'],
    rows: [
      ...rounds.map((round) => row(round.path, String(round.round), round.requestsPerSecond, round.p50, round.p99, round.errors, round.load, '')),
      ...(['direct', 'gateway'] as const).map((path) =>
        row(
          `**${path}**`,
          '**mean**',
          average(rounds, path, (round) => round.requestsPerSecond),
          average(rounds, path, (round) => round.p50),
          average(rounds, path, (round) => round.p99),
          rounds.filter((round) => round.path === path).reduce((sum, round) => sum + round.errors, 0),
          '',
          path === 'gateway' ? fixed(ratio, 2) : '1.00',
        ),
      ),
    ].map((cells) => cells.map((cell) => cell || '')),
    verdict: `${fixed(ratio, 2)} of direct: ${ratio >= TARGET ? 'met' : '**not met**'}`,
  };
}

const CPU_GROUPS = ['bench driver (autocannon)', 'gateway', 'account', 'postgres: account', 'postgres: gateway', 'postgres: background', 'redis', 'kafka'];
const notOurs = (round: Round) => round.cpu.otherCores + (round.cpu.cores.get('postgres: other databases') ?? 0);

function cpuTable(rounds: Round[]): string {
  return markdownTable(
    ['round', 'host busy', ...CPU_GROUPS, 'not ours'],
    rounds.map((round) => [
      `${round.round}, ${round.path}`,
      `${fixed(round.cpu.hostBusyPercent)}%`,
      ...CPU_GROUPS.map((group) => fixed(round.cpu.cores.get(group) ?? 0, 2)),
      fixed(notOurs(round), 2),
    ]),
  );
}

/** The findings, each worded from this run's numbers. */
function analysis(rounds: Round[]): string[] {
  const cores = (path: Path, group: string) => average(rounds, path, (round) => round.cpu.cores.get(group) ?? 0);
  /** CPU microseconds per request spent by `group` on `path`. */
  const perRequest = (path: Path, group: string) => (1e6 * cores(path, group)) / average(rounds, path, (round) => round.requestsPerSecond);
  const driver = 'bench driver (autocannon)';
  const directTotal = CPU_GROUPS.reduce((sum, group) => sum + perRequest('direct', group), 0);
  const gatewayTotal = CPU_GROUPS.reduce((sum, group) => sum + perRequest('gateway', group), 0);
  const busy = mean(rounds.map((round) => round.cpu.hostBusyPercent));
  return [
    `- **The CPU, shared by everything.** The host's ${HOST_CORES} cores were ${fixed(busy)}% busy on average ` +
      `(other work on the machine: ${fixed(average(rounds, 'direct', notOurs), 2)} cores during the direct rounds, ` +
      `${fixed(average(rounds, 'gateway', notOurs), 2)} during the gateway rounds). Load generator, gateway, account ` +
      'service and Redis all run on these cores, so each request costs CPU that the others then lack.',
    `- **CPU per request.** Direct: ${fixed(directTotal)} µs (account ${fixed(perRequest('direct', 'account'))}, ` +
      `autocannon ${fixed(perRequest('direct', driver))}, Redis ${fixed(perRequest('direct', 'redis'))}). Through the ` +
      `gateway: ${fixed(gatewayTotal)} µs (gateway ${fixed(perRequest('gateway', 'gateway'))}, account ` +
      `${fixed(perRequest('gateway', 'account'))}, autocannon ${fixed(perRequest('gateway', driver))}, Redis ` +
      `${fixed(perRequest('gateway', 'redis'))}). On a saturated machine the throughput ratio follows the cost ratio, ` +
      `${fixed(directTotal / gatewayTotal, 2)}.`,
    '- **What the gateway adds per request**: one more HTTP server and one more HTTP client hop (the proxied request ' +
      'and its answer are parsed, and their headers rewritten, once more), the token check at the edge (an RS256 ' +
      'verification the first time a token is seen, then a lookup until it expires; the account service does the ' +
      'same), and the rate limiter. The limiter runs a Lua script in Redis per request for a caller who sends one ' +
      'request at a time; this benchmark\'s one busy caller gets tokens leased in batches (as many as it used in the ' +
      'previous 100 ms, at most 5 % of its bucket), so it costs about one script per hundred requests here. Measured ' +
      'on 2026-11-24: with a script per request the ratio was 0.45-0.51, and switching the limiter off raised it by ' +
      '0.06 to 0.17; leasing brought it to 0.54-0.67 (the machine drifts between runs). Nest\'s middleware layer on ' +
      'Fastify (middie, about a tenth of the gateway\'s CPU for request id and request log) was then replaced by ' +
      'Fastify hooks running the same functions: 0.70, the gateway at about 410 µs per request instead of 500-650. What ' +
      'is left, from CPU profiles of the gateway (`BENCH_CPU_PROFILE_DIR`): the second hop\'s socket writes (about 15 % ' +
      'of its CPU), OpenTelemetry with sampling off (about 13 %), the HTTP client (undici, about 10 %).',
  ];
}

function progress(message: string): void {
  console.log(`[bench:gateway ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

// Last, so that every constant above is initialised when main() runs.
await runBenchmark('bench:gateway', main);
