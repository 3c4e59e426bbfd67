import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { databaseUrl } from './local-infra.ts';

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database, disconnecting whoever is still connected. */
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one test file, so tests never see each other's rows and can run
 * in parallel. Named `t_<prefix>_<random>`; dropped by `drop()` (and `npm test` starts clean).
 */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `t_${prefix.replace(/\W/g, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  return {
    name,
    url: databaseUrl(name),
    drop: () => dropDatabase(name),
  };
}

/** How long a drop waits for the sessions of another role to end (see `dropDatabase`). */
const DROP_PATIENCE_MS = 15_000;

/**
 * `WITH (FORCE)` ends the sessions still connected, but only those of roles we may signal: a
 * service that logs in with a runtime role of its own (the transaction service) may leave a
 * session that is still closing after its process has exited, and PostgreSQL refuses (42501).
 * Such a session ends by itself within moments, so the drop is tried again until it has.
 */
async function dropDatabase(name: string): Promise<void> {
  const deadline = Date.now() + DROP_PATIENCE_MS;
  for (;;) {
    try {
      return await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } catch (error) {
      if ((error as { code?: string }).code !== '42501' || Date.now() > deadline) throw error;
      await sleep(200);
    }
  }
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
