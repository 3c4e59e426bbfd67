/**
 * The migrate job of docker-compose.yml (image target `ops`): applies every service's migrations
 * to its own database, one service at a time so the job stays within a small memory limit (the
 * native `npm run db:migrate` runs them in parallel). Migrations run as the schema owner.
 *
 * Environment: PGHOST, PGPORT (5432), PGUSER, PGPASSWORD, the owner's login.
 */
import { spawnSync } from 'node:child_process';
import { SERVICES } from '../../libs/contracts/src/services.ts';

const { PGHOST = '127.0.0.1', PGPORT = '5432', PGUSER = 'bankshop', PGPASSWORD = 'bankshop' } = process.env;

for (const service of SERVICES) {
  const url = `postgresql://${encodeURIComponent(PGUSER)}:${encodeURIComponent(PGPASSWORD)}@${PGHOST}:${PGPORT}/${service.database}`;
  console.log(`migrating ${service.name}`);
  const result = spawnSync(process.execPath, ['dist/migrate.js'], {
    cwd: new URL(`../../apps/${service.name}/`, import.meta.url),
    env: { ...process.env, DATABASE_URL: url, MIGRATION_DATABASE_URL: url },
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error(`migrations failed for ${service.name} (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}
console.log(`all ${SERVICES.length} services migrated`);
