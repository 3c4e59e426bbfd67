/**
 * `npm run db:migrate`: applies every service's pending migrations to its own database, as a
 * deploy step would. Services are built first by the npm script.
 */
import { spawn } from 'node:child_process';
import { localServiceEnv, SERVICES } from './local-services.ts';

export async function migrateAll(): Promise<void> {
  const failures: string[] = [];
  await Promise.all(
    SERVICES.map(
      (service) =>
        new Promise<void>((resolve) => {
          const child = spawn(process.execPath, ['dist/migrate.js'], {
            cwd: new URL(`../apps/${service.name}/`, import.meta.url),
            env: { ...process.env, ...pick(localServiceEnv(service), 'DATABASE_URL', 'MIGRATION_DATABASE_URL') },
            stdio: ['ignore', 'inherit', 'inherit'],
          });
          child.once('exit', (code) => {
            if (code !== 0) failures.push(service.name);
            resolve();
          });
        }),
    ),
  );
  if (failures.length > 0) throw new Error(`migrations failed for: ${failures.join(', ')}`);
}

function pick(env: Record<string, string>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])));
}

if (import.meta.main) {
  await migrateAll().catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
