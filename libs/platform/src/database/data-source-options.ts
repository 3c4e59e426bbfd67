import type { DataSourceOptions } from 'typeorm';
import type { ServiceConfig } from '../config/service-config.ts';

/** The part of the configuration the database connection needs. */
export type DatabaseSettings = Pick<ServiceConfig, 'DATABASE_URL' | 'DB_POOL_SIZE'>;

export interface DatabaseOptions {
  entities: NonNullable<DataSourceOptions['entities']>;
  /** Every migration of the service, oldest first (the messaging tables come first). */
  migrations: NonNullable<DataSourceOptions['migrations']>;
}

/** The TypeORM settings of a service; shared by the app and its migration command. */
export function dataSourceOptions(config: DatabaseSettings, options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    entities: options.entities,
    migrations: options.migrations,
    // The schema only ever changes through reviewed migrations, run by `runMigrations`.
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    extra: {
      max: config.DB_POOL_SIZE,
      connectionTimeoutMillis: 3_000,
      // No statement may hold locks for long; a stuck query fails instead of stalling a pool.
      statement_timeout: 15_000,
      idle_in_transaction_session_timeout: 30_000,
    },
  };
}

