import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ServiceConfig } from '../config/service-config.ts';
import { dataSourceOptions, type DatabaseOptions } from './data-source-options.ts';
import { runMigrations } from './run-migrations.ts';

/** The service's own database (one per service; no service reads another's tables). */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [ServiceConfig],
          useFactory: async (config: ServiceConfig) => {
            // Development and tests only: normally migrations are a deploy step (`npm run db:migrate`).
            if (config.DB_MIGRATE_ON_BOOT) {
              await runMigrations({ DATABASE_URL: config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL, DB_POOL_SIZE: 2 }, options);
            }
            return { ...dataSourceOptions(config, options), retryAttempts: 5, retryDelay: 2_000 };
          },
        }),
      ],
    };
  }
}
