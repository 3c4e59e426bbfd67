/**
 * Where tests find the infrastructure: the same variables and defaults as `npm run infra:up`
 * (scripts/infra/config.ts), so a test run after `infra:up` needs no setup at all.
 */
export const localInfra = {
  postgres: {
    host: process.env.PGHOST ?? '127.0.0.1',
    port: Number(process.env.PGPORT ?? 5432),
    user: process.env.PGUSER ?? 'bankshop',
    password: process.env.PGPASSWORD ?? 'bankshop',
  },
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
};

/** A connection URL for one database on the local server, as the owner role or another login. */
export function databaseUrl(database: string, login: DatabaseLogin = localInfra.postgres): string {
  const { host, port } = localInfra.postgres;
  return `postgresql://${encodeURIComponent(login.user)}:${encodeURIComponent(login.password)}@${host}:${port}/${database}`;
}

export interface DatabaseLogin {
  user: string;
  password: string;
}

/** The transaction service's runtime role (scripts/infra/config.ts RUNTIME_ROLES). */
export const TRANSACTION_DB_LOGIN: DatabaseLogin = { user: 'bankshop_transaction', password: 'bankshop_transaction' };
