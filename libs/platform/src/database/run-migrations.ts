import { IsDefined, IsOptional } from 'class-validator';
import { DataSource } from 'typeorm';
import { createLogger } from '@bankshop/telemetry';
import { IsUrlWithProtocol } from '../config/config-validators.ts';
import { InvalidConfigError, loadConfig } from '../config/load-config.ts';
import { dataSourceOptions, type DatabaseOptions, type DatabaseSettings } from './data-source-options.ts';

/** A migration run needs only the database; it must not demand Kafka or JWT settings. */
class MigrationConfig {
  @IsDefined({ message: 'is required' })
  @IsUrlWithProtocol(['postgres:', 'postgresql:'])
  DATABASE_URL!: string;

  /** The schema owner, when the service itself runs as a less privileged role. */
  @IsOptional()
  @IsUrlWithProtocol(['postgres:', 'postgresql:'])
  MIGRATION_DATABASE_URL?: string;
}

/** Applies pending migrations, each in its own transaction; returns the names applied. */
export async function runMigrations(config: DatabaseSettings, options: DatabaseOptions): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(config, options));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * The body of every service's `migrate.ts`: run as a deploy step (`npm run db:migrate`, the
 * compose `migrate` job) before the new version starts, never implicitly on every boot.
 */
export async function migrate(options: DatabaseOptions & { serviceName: string }): Promise<void> {
  const logger = createLogger(`${options.serviceName}-migrations`);
  try {
    const { DATABASE_URL, MIGRATION_DATABASE_URL } = loadConfig(MigrationConfig);
    const applied = await runMigrations({ DATABASE_URL: MIGRATION_DATABASE_URL ?? DATABASE_URL, DB_POOL_SIZE: 2 }, options);
    logger.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'schema is up to date');
  } catch (error) {
    if (error instanceof InvalidConfigError) {
      process.stderr.write(`${options.serviceName}: ${error.message}\n`);
    } else {
      logger.fatal({ err: error }, 'migrations failed');
    }
    process.exitCode = 1;
  }
}
