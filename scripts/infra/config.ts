import { homedir } from 'node:os';
import { join } from 'node:path';

// Both lists live once, in the contracts library; these files have no imports, so the scripts
// can read them straight from source.
import { SERVICES } from '../../libs/contracts/src/services.ts';
import { TOPICS, TOPIC_PARTITIONS } from '../../libs/contracts/src/topics.ts';

/** One database per service (ARCHITECTURE.md, "Map"). */
export const SERVICE_DATABASES = SERVICES.map((service) => service.database);

export const KAFKA_TOPICS = TOPICS;

/**
 * Login roles services run with when they must not own their tables. The transaction service
 * writes its audit trail as `bankshop_transaction`, which its migration grants INSERT and SELECT
 * only on `audit_events`: the application cannot rewrite history. Development passwords only.
 */
export const RUNTIME_ROLES = [{ name: 'bankshop_transaction', password: 'bankshop_transaction' }] as const;

export const KAFKA_VERSION = '4.4.0';
export const SCALA_VERSION = '2.13';

export interface InfraConfig {
  cacheDir: string;
  postgres: {
    host: string;
    port: number;
    user: string;
    password: string;
    databases: readonly string[];
  };
  redis: { url: string; host: string; port: number };
  kafka: {
    brokers: string[];
    version: string;
    scalaVersion: string;
    topics: readonly string[];
    partitions: number;
    replicationFactor: number;
    // Jars, fetched once per version; the broker's own state lives in stateDir.
    homeDir: string;
    stateDir: string;
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): InfraConfig {
  const cacheDir = env.BANKSHOP_CACHE || join(homedir(), '.cache', 'bankshop');
  const redisUrl = env.REDIS_URL || 'redis://127.0.0.1:6379';
  const redis = new URL(redisUrl);
  return {
    cacheDir,
    postgres: {
      host: env.PGHOST || '127.0.0.1',
      port: port(env.PGPORT || '5432', 'PGPORT'),
      user: env.PGUSER || 'bankshop',
      password: env.PGPASSWORD || 'bankshop',
      databases: SERVICE_DATABASES,
    },
    redis: {
      url: redisUrl,
      host: redis.hostname || '127.0.0.1',
      port: port(redis.port || '6379', 'REDIS_URL port'),
    },
    kafka: {
      brokers: (env.KAFKA_BROKERS || '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean),
      version: KAFKA_VERSION,
      scalaVersion: SCALA_VERSION,
      topics: KAFKA_TOPICS,
      partitions: TOPIC_PARTITIONS,
      replicationFactor: 1,
      homeDir: join(cacheDir, `kafka-${KAFKA_VERSION}`),
      stateDir: join(cacheDir, 'kafka'),
    },
  };
}

function port(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new Error(`${name} is not a port: ${value}`);
  return n;
}

// The scripts only start servers on this machine; anything else must be provided by the user.
export function isLocalHost(host: string): boolean {
  return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);
}
