import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { BalanceCheck, TransferLegPage } from '@bankshop/contracts';

/** More than this many mismatching balances and something systemic is wrong: the list is cut. */
const MAX_LISTED_MISMATCHES = 500;

/**
 * What the transaction service's reconciliation needs from the account side, computed where the
 * data is (no service reads another's tables). Aggregates run in the database, and transfer legs
 * are paged, so memory stays flat however big the ledger grows.
 */
@Injectable()
export class ReconciliationDataService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Every account's balance against the sum of its ledger, all in one snapshot: the first
   * MAX_LISTED_MISMATCHES mismatching accounts by id, and how many mismatch in all.
   */
  async balances(): Promise<BalanceCheck> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      const [counts] = (await manager.query(
        `SELECT (SELECT count(*) FROM accounts)::int AS accounts, (SELECT count(*) FROM ledger_entries)::int AS entries`,
      )) as { accounts: number; entries: number }[];
      // MATERIALIZED: every account is summed whatever the LIMIT. Without it the planner, expecting
      // the LIMIT to stop it early, walks the whole ledger in account order through
      // ledger_entries_account (a heap page visited per entry: 10 s for 1 000 000 entries) instead
      // of aggregating one sequential scan (under a second). The window counts every mismatch
      // before the LIMIT cuts the list, in the same pass (a second query would sum the ledger twice).
      const mismatches = (await manager.query(
        `WITH ledger AS MATERIALIZED (SELECT account_id, sum(amount) AS total FROM ledger_entries GROUP BY account_id)
         SELECT a.id, a.balance::text AS balance, COALESCE(l.total, 0.00)::text AS ledger_sum, count(*) OVER ()::int AS mismatch_count
           FROM accounts a
           LEFT JOIN ledger l ON l.account_id = a.id
          WHERE a.balance <> COALESCE(l.total, 0)
          ORDER BY a.id
          LIMIT $1`,
        [MAX_LISTED_MISMATCHES],
      )) as { id: string; balance: string; ledger_sum: string; mismatch_count: number }[];
      return {
        accounts: counts!.accounts,
        ledgerEntries: counts!.entries,
        mismatches: mismatches.map((row) => ({ accountId: row.id, ledgerSum: row.ledger_sum, balance: row.balance })),
        mismatchCount: mismatches[0]?.mismatch_count ?? 0,
      };
    });
  }

  /**
   * The legs (debit and credit entries) of transfers, ordered by transfer id, `limit` transfers a
   * page, all legs of a transfer on the same page; only entries written before `before`.
   */
  async transferLegs(after: string | undefined, before: Date, limit: number): Promise<TransferLegPage> {
    const rows = (await this.dataSource.query(
      `WITH page AS (
         SELECT DISTINCT transfer_id FROM ledger_entries
          WHERE transfer_id IS NOT NULL AND transfer_id > $1 AND created_at < $2
          ORDER BY transfer_id LIMIT $3)
       SELECT e.transfer_id, e.account_id, e.type, e.amount::text AS amount
         FROM ledger_entries e JOIN page USING (transfer_id)
        WHERE e.created_at < $2
        ORDER BY e.transfer_id, e.type`,
      [after ?? '00000000-0000-0000-0000-000000000000', before, limit],
    )) as { transfer_id: string; account_id: string; type: 'TRANSFER_DEBIT' | 'TRANSFER_CREDIT'; amount: string }[];
    const transfers = new Set(rows.map((row) => row.transfer_id));
    return {
      legs: rows.map((row) => ({ transferId: row.transfer_id, accountId: row.account_id, type: row.type, amount: row.amount })),
      next: transfers.size === limit ? rows.at(-1)!.transfer_id : null,
    };
  }
}
