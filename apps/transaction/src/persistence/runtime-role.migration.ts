import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The login the service runs as (created by the infrastructure, like the databases). */
export const RUNTIME_ROLE = 'bankshop_transaction';

/**
 * The transaction service does not run as the owner of its tables: an owner can always rewrite
 * its own tables, and the audit trail must be beyond the application's reach. It runs as
 * `bankshop_transaction`, which gets ordinary read/write access to every table, now and in later
 * migrations, except where a migration says otherwise (the audit trail: insert and read only).
 */
export class TransactionRuntimeRole1763943350000 implements MigrationInterface {
  name = 'TransactionRuntimeRole1763943350000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${RUNTIME_ROLE}`);
    await runner.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${RUNTIME_ROLE}`);
    await runner.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${RUNTIME_ROLE}`,
    );
    await runner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${RUNTIME_ROLE}`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM ${RUNTIME_ROLE}`);
    await runner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM ${RUNTIME_ROLE}`);
    await runner.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${RUNTIME_ROLE}`);
    await runner.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${RUNTIME_ROLE}`);
  }
}
