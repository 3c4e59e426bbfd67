import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSourceOptions } from 'typeorm';
import { ServiceConfig } from '../config/service-config.ts';

/** The part of the configuration the database connection needs. */
export type DatabaseSettings = Pick<ServiceConfig, 'DATABASE_URL' | 'DB_POOL_SIZE' | 'DB_MIGRATE_ON_BOOT'>;

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
    // The schema only ever changes through reviewed migrations.
    synchronize: false,
    migrationsRun: config.DB_MIGRATE_ON_BOOT,
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

/** The service's own database (one per service; no service reads another's tables). */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [ServiceConfig],
          useFactory: (config: ServiceConfig) => ({
            ...dataSourceOptions(config, options),
            retryAttempts: 5,
            retryDelay: 2_000,
          }),
        }),
      ],
    };
  }
}
