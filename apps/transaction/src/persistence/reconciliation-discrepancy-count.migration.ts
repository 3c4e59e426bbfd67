import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How many discrepancies a reconciliation run found in all: its report lists only the first
 * RECONCILIATION_MAX_LISTED_DISCREPANCIES. Null for runs stored before (and for any written by a
 * replica still on the previous version during a rollout): their list is complete, so its length
 * is the count.
 */
export class ReconciliationDiscrepancyCount1763943500000 implements MigrationInterface {
  name = 'ReconciliationDiscrepancyCount1763943500000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE reconciliation_runs ADD COLUMN discrepancy_count integer CHECK (discrepancy_count >= 0)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE reconciliation_runs DROP COLUMN discrepancy_count`);
  }
}
