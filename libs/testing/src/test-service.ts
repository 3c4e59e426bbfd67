import type { ServiceName } from '@bankshop/contracts';
import pg from 'pg';
import { freePort } from './free-port.ts';
import { startGroupAtEnd } from './kafka-groups.ts';
import { TRANSACTION_DB_LOGIN, type DatabaseLogin } from './local-infra.ts';
import { serviceEnv } from './service-env.ts';
import { ServiceProcess } from './service-process.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export interface TestServiceOptions {
  /** A service of this repository... */
  app?: ServiceName;
  /** ...or another built entry point (a fixture). */
  entry?: { name: string; script: string };
  jwksUrl: string;
  otlpEndpoint?: string;
  /** Extra environment, e.g. the URLs of the other services it calls. */
  env?: Record<string, string>;
  /** Set false to create the process without starting it (to start it later, or several at once). */
  start?: boolean;
  /** The login the service runs as, when it must not own its tables (the transaction service). */
  databaseLogin?: DatabaseLogin;
  /** A port chosen in advance (when the environment must name it, as a gateway's own JWKS URL). */
  port?: number;
  /** How long to wait for `/health/ready` (default 120 s: a loaded two-core machine boots slowly). */
  readyTimeoutMs?: number;
}

export interface TestService {
  service: ServiceProcess;
  database: TestDatabase;
  url: string;
  /** Runs SQL against the service's own database, for assertions and for corrupting state on purpose. */
  query<T = Record<string, unknown>>(sql: string, parameters?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

/**
 * A real service process on a fresh database of its own, migrated on boot, started on a free
 * port and waited for until ready: the unit of every end-to-end test.
 */
export async function startTestService(options: TestServiceOptions): Promise<TestService> {
  const name = options.entry?.name ?? options.app ?? 'service';
  const database = await createTestDatabase(name.replace(/^fixture-/, 'fx_'));
  const env = serviceEnv({
    database: database.name,
    databaseLogin: options.databaseLogin ?? (options.app === 'transaction' ? TRANSACTION_DB_LOGIN : undefined),
    jwksUrl: options.jwksUrl,
    otlpEndpoint: options.otlpEndpoint,
    extra: { OTEL_SERVICE_NAME: name, ...options.env },
  });
  await startGroupAtEnd(env.KAFKA_GROUP_ID!);
  const service = new ServiceProcess({
    ...(options.app ? { app: options.app } : {}),
    ...(options.entry ? { entry: options.entry } : {}),
    port: options.port ?? (await freePort()),
    ...(options.readyTimeoutMs === undefined ? {} : { timeoutMs: options.readyTimeoutMs }),
    env,
  });
  if (options.start !== false) {
    try {
      await service.start();
    } catch (error) {
      await database.drop().catch(() => undefined);
      throw error;
    }
  }
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  // Dropping the database terminates connections still closing; that is expected, not a failure.
  pool.on('error', () => undefined);
  return {
    service,
    database,
    url: service.url,
    query: async <T>(sql: string, parameters: unknown[] = []) => (await pool.query(sql, parameters)).rows as T[],
    async stop() {
      await service.stop();
      await pool.end();
      await database.drop();
    },
  };
}
