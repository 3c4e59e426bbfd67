/**
 * `npm run dev`: the whole system natively, in one terminal. Brings up PostgreSQL, Redis and
 * Kafka, builds, migrates, starts the seven services with coloured log prefixes, and prints where
 * everything is once every service reports ready. Ctrl-C stops them all gracefully.
 */
import { spawnSync } from 'node:child_process';
import { concurrently } from 'concurrently';
import { formatSummary, up } from './infra/up.ts';
import { migrateAll } from './db-migrate.ts';
import { localServiceEnv, SERVICES } from './local-services.ts';

const COLORS = ['blue', 'green', 'magenta', 'cyan', 'yellow', 'red', 'white'];
const READY_TIMEOUT_MS = 90_000;

for (const summary of await up()) console.log(formatSummary(summary));

const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
await migrateAll();

const startedAt = Date.now();
const { result } = concurrently(
  SERVICES.map((service, index) => ({
    name: service.name,
    command: 'npm start --silent',
    cwd: new URL(`../apps/${service.name}/`, import.meta.url).pathname,
    env: { ...process.env, ...localServiceEnv(service) },
    prefixColor: COLORS[index % COLORS.length],
  })),
  { prefix: 'name', killOthersOn: ['failure'], handleInput: false },
);

void waitUntilAllReady().then(
  (seconds) => printTable(seconds),
  (error: Error) => console.error(`\n${error.message}\n`),
);

await result.then(
  () => process.exit(0),
  () => process.exit(1),
);

async function waitUntilAllReady(): Promise<number> {
  const pending = new Set<string>(SERVICES.map((service) => service.name));
  while (pending.size > 0) {
    if (Date.now() - startedAt > READY_TIMEOUT_MS) {
      throw new Error(`not ready after ${READY_TIMEOUT_MS / 1000} s: ${[...pending].join(', ')}`);
    }
    await Promise.all(
      SERVICES.filter((service) => pending.has(service.name)).map(async (service) => {
        const response = await fetch(`http://127.0.0.1:${service.port}/health/ready`).catch(() => undefined);
        if (response?.status === 200) pending.delete(service.name);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return (Date.now() - startedAt) / 1000;
}

function printTable(seconds: number): void {
  const rows = SERVICES.map((service) => `  ${service.name.padEnd(12)} http://localhost:${service.port}`);
  console.log(
    [
      '',
      `All ${SERVICES.length} services ready in ${seconds.toFixed(1)} s:`,
      ...rows,
      '',
      'Health: /health/live and /health/ready on each. Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}
