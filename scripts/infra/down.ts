import { loadConfig, type InfraConfig } from './config.ts';
import { stopKafka } from './kafka.ts';
import { postgresStartedByUp, stopPostgres } from './postgres.ts';
import { stopRedis } from './redis.ts';

/**
 * Stops what infra:up started (known by its pid files and the Postgres marker), and nothing
 * else: a server that infra:up reused was someone else's. Safe to run any number of times.
 * Returns one line per component.
 */
export async function down(cfg: InfraConfig = loadConfig()): Promise<string[]> {
  const line = (component: string, stopped: boolean, what = '') =>
    `${component.padEnd(9)}${stopped ? `stopped ${what}`.trimEnd() : 'nothing to stop (none started by infra:up)'}`;
  // Kafka first: it takes longest, and nothing else depends on it being up while stopping.
  const kafka = await stopKafka(cfg);
  const redis = await stopRedis(cfg);
  const cluster = postgresStartedByUp(cfg);
  const postgres = await stopPostgres(cfg, { onlyIfStartedByUp: true });
  return [line('kafka', kafka), line('redis', redis), line('postgres', postgres, cluster ? `(cluster ${cluster})` : '')];
}

if (import.meta.main) {
  try {
    for (const l of await down()) console.log(l);
  } catch (err) {
    console.error(`infra:down failed\n${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
