import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, freePort, REPO_ROOT, serviceEnv, ServiceProcess, type TestDatabase } from '@bankshop/testing';

export type FixtureName = 'producer' | 'consumer';

export interface RunningFixture {
  service: ServiceProcess;
  database: TestDatabase;
  /** Runs SQL against the fixture's own database, for assertions. */
  query(sql: string, parameters?: unknown[]): Promise<unknown[]>;
  stop(): Promise<void>;
}

/**
 * Starts a fixture service (see ../fixtures) as a real process on a fresh database: the same
 * platform, telemetry and messaging code as the real services, with a trivial business part.
 */
export async function startFixture(
  name: FixtureName,
  options: { jwksUrl: string; otlpEndpoint?: string; extra?: Record<string, string> },
): Promise<RunningFixture> {
  const database = await createTestDatabase(`fixture_${name}`);
  const service = await ServiceProcess.start({
    entry: { name: `fixture-${name}`, script: `${REPO_ROOT}tests/integration/dist/${name}/main.js` },
    port: await freePort(),
    env: serviceEnv({
      database: database.name,
      jwksUrl: options.jwksUrl,
      otlpEndpoint: options.otlpEndpoint,
      extra: { OTEL_SERVICE_NAME: `fixture-${name}`, KAFKA_GROUP_ID: `fixture-${randomUUID()}`, ...options.extra },
    }),
  });
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  return {
    service,
    database,
    query: async (sql, parameters = []) => (await pool.query(sql, parameters)).rows as unknown[],
    async stop() {
      await pool.end();
      await service.stop();
      await database.drop();
    },
  };
}
