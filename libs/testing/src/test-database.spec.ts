import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { databaseUrl, TRANSACTION_DB_LOGIN } from './local-infra.ts';
import { createTestDatabase } from './test-database.ts';

describe('createTestDatabase', () => {
  // What a service with a runtime role of its own leaves behind for a moment after it exits: a
  // session the test role may not end (DROP ... WITH (FORCE) answers 42501 while it lasts).
  it('drops its database once a session of another role has ended, instead of failing', async () => {
    const database = await createTestDatabase('drop_spec');
    const other = new pg.Client({ connectionString: databaseUrl(database.name, TRANSACTION_DB_LOGIN) });
    await other.connect();
    const ended = new Promise((resolve) => setTimeout(resolve, 500)).then(() => other.end());

    await database.drop();
    await ended;

    const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
    await admin.connect();
    try {
      const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database.name]);
      expect(rows).toEqual([]);
    } finally {
      await admin.end();
    }
  });
});
