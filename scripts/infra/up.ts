import { loadConfig, type InfraConfig } from './config.ts';
import { ensureKafka } from './kafka.ts';
import { ensurePostgres } from './postgres.ts';
import { InfraError, type Summary } from './process.ts';
import { ensureRedis } from './redis.ts';

export { loadConfig, KAFKA_TOPICS, SERVICE_DATABASES, type InfraConfig } from './config.ts';
export { ensureKafka, startKafka, stopKafka, WARMUP_GROUP, WARMUP_TOPIC } from './kafka.ts';
export { ensurePostgres, startPostgres, stopPostgres, postgresStartedByUp } from './postgres.ts';
export { ensureRedis, startRedis, stopRedis } from './redis.ts';
export { InfraError, type Summary } from './process.ts';

/**
 * Starts or reuses PostgreSQL, Redis and Kafka. They are independent, so they come up in
 * parallel (Kafka's JVM dominates). Rejects with every component's failure, not just the first.
 */
export async function up(cfg: InfraConfig = loadConfig()): Promise<Summary[]> {
  const results = await Promise.allSettled([ensurePostgres(cfg), ensureRedis(cfg), ensureKafka(cfg)]);
  const failures = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`${['postgres', 'redis', 'kafka'][i]}: ${message(r.reason)}`] : [],
  );
  if (failures.length) throw new InfraError(failures.join('\n\n'));
  return results.map((r) => (r as PromiseFulfilledResult<Summary>).value);
}

export function formatSummary(s: Summary): string {
  return `${s.component.padEnd(9)}${s.action.padEnd(9)}${s.address.padEnd(16)} ${s.detail}`;
}

function message(err: unknown): string {
  // An InfraError is written for the user; anything else is unexpected, so keep its stack.
  if (err instanceof InfraError) return err.message;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

async function main(): Promise<number> {
  const started = Date.now();
  try {
    for (const s of await up()) console.log(formatSummary(s));
    console.log(`infra ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return 0;
  } catch (err) {
    console.error(`infra:up failed\n${message(err)}`);
    return 1;
  }
}

/**
 * kafkajs 2.2.4 arms a timer with delay `-1 - Date.now()` whenever it is not throttled
 * (RequestQueue.scheduleCheckPendingRequests). Node 24 warns and uses 1ms, which is what kafkajs
 * means. Only the command line drops that one warning; importers keep Node's defaults.
 */
function ignoreKafkajsNegativeTimeouts(): void {
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type !== 'TimeoutNegativeWarning') emitWarning(warning, ...rest);
  }) as typeof process.emitWarning;
}

if (import.meta.main) {
  ignoreKafkajsNegativeTimeouts();
  // Exit explicitly: client libraries may keep idle timers alive after they disconnect.
  process.exit(await main());
}
