import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TransferLeg } from '@bankshop/contracts';
import { Outbox } from '@bankshop/messaging';
import { decodeCursor, toPage, type Page, type PageQuery } from '@bankshop/platform';
import { meter, withSpan } from '@bankshop/telemetry';
import { TransactionConfig } from '../../config/transaction.config.ts';
import { AccountClient } from '../../upstream/account.client.ts';
import { reconcileTransfers, type Discrepancy, type TransferFacts } from './domain/discrepancies.ts';

const PAGE = 2_000;

/**
 * Which runs the API shows: finished ones, whose report API.md defines. A run still RUNNING, or
 * one that FAILED (its row keeps the error; the failure was the answer to its POST, or logged and
 * counted in `bankshop.reconciliation.runs` for a scheduled one), has no report to show.
 */
const REPORTED = `status IN ('CLEAN', 'DISCREPANCIES')`;

/** `Reconciliation` of API.md: a finished run's report. */
export interface ReconciliationView {
  id: string;
  status: 'CLEAN' | 'DISCREPANCIES';
  startedAt: string;
  finishedAt: string;
  checked: { accounts: number; transfers: number; ledgerEntries: number };
  /**
   * Every discrepancy found; at least `discrepancies.length`, which lists only the first
   * RECONCILIATION_MAX_LISTED_DISCREPANCIES. An extension of API.md's `Reconciliation`.
   */
  discrepancyCount: number;
  discrepancies: Discrepancy[];
}

const runs = meter().createCounter('bankshop.reconciliation.runs', { description: 'Reconciliation runs, by status' });
// Every status is exported from the start: Prometheus sees no increase in a series that first
// appears at 1, so without this the first failed run would not raise ReconciliationFailed.
for (const status of ['CLEAN', 'DISCREPANCIES', 'FAILED']) runs.add(0, { status });
let lastDiscrepancies = 0;
meter()
  .createObservableGauge('bankshop.reconciliation.discrepancies', {
    description: 'Discrepancies found by the latest reconciliation run (any above 0 raises an alert)',
  })
  .addCallback((result) => result.observe(lastDiscrepancies));

/**
 * Reconciliation: does the account ledger agree with the balances, and with the transfers this
 * service recorded? It checks, for the state settled before the run started:
 *
 * - every account's balance against the sum of its ledger (BALANCE_MISMATCH), by the account
 *   service in one snapshot, in the database;
 * - every completed transfer against exactly one debit and one credit of its amount
 *   (UNBALANCED_TRANSFER, MISSING_LEDGER_ENTRY), and every transfer leg against a completed
 *   transfer (ORPHAN_LEDGER_ENTRY), by merging both sides ordered by transfer id, a page at a time.
 *
 * Transfers still in flight are skipped: their legs may rightly exist before they are COMPLETED.
 *
 * A report lists the first RECONCILIATION_MAX_LISTED_DISCREPANCIES discrepancies (balance
 * mismatches first, then transfers in id order) and counts them all; the status, the gauge, the
 * log and the event go by the count.
 */
@Injectable()
export class ReconciliationService {
  private readonly logger = new Logger(ReconciliationService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountClient,
    private readonly outbox: Outbox,
    private readonly config: TransactionConfig,
  ) {}

  async run(trigger: 'manual' | 'schedule'): Promise<ReconciliationView> {
    const id = randomUUID();
    const startedAt = new Date();
    await this.dataSource.query(`INSERT INTO reconciliation_runs (id, status, trigger, started_at) VALUES ($1, 'RUNNING', $2, $3)`, [
      id,
      trigger,
      startedAt,
    ]);
    try {
      const { checked, discrepancies, discrepancyCount } = await withSpan('reconciliation.run', async (span) => {
        const maxListed = this.config.RECONCILIATION_MAX_LISTED_DISCREPANCIES;
        const balances = await this.accounts.balanceCheck();
        // An account service older than `mismatchCount` sends only its list (services deploy
        // independently); its list is then all there is to count.
        const balanceMismatches = Math.max(balances.mismatchCount ?? 0, balances.mismatches.length);
        const listedBalances = balances.mismatches.slice(0, maxListed).map(
          (mismatch): Discrepancy => ({
            kind: 'BALANCE_MISMATCH',
            accountId: mismatch.accountId,
            expected: mismatch.ledgerSum,
            actual: mismatch.balance,
          }),
        );
        const transfers = await reconcileTransfers(this.transfers(startedAt), this.legs(startedAt), maxListed - listedBalances.length);
        const total = balanceMismatches + transfers.discrepancyCount;
        span.setAttributes({ 'reconciliation.discrepancies': total, 'reconciliation.transfers': transfers.transfers });
        return {
          checked: { accounts: balances.accounts, transfers: transfers.transfers, ledgerEntries: balances.ledgerEntries },
          discrepancies: [...listedBalances, ...transfers.discrepancies],
          discrepancyCount: total,
        };
      });
      const status = discrepancyCount === 0 ? 'CLEAN' : 'DISCREPANCIES';
      await this.dataSource.transaction(async (manager) => {
        await manager.query(
          `UPDATE reconciliation_runs
              SET status = $2, finished_at = now(), checked = $3, discrepancies = $4, discrepancy_count = $5
            WHERE id = $1`,
          [id, status, JSON.stringify(checked), JSON.stringify(discrepancies), discrepancyCount],
        );
        await this.outbox.append(manager, {
          type: 'reconciliation.completed.v1',
          aggregateId: id,
          payload: { reconciliationId: id, status, discrepancies: discrepancyCount },
        });
      });
      lastDiscrepancies = discrepancyCount;
      runs.add(1, { status });
      if (discrepancyCount > 0) {
        this.logger.error(
          { reconciliationId: id, discrepancies: discrepancyCount, listed: discrepancies.length },
          'reconciliation found discrepancies',
        );
      }
    } catch (error) {
      await this.dataSource.query(`UPDATE reconciliation_runs SET status = 'FAILED', finished_at = now(), failure = $2 WHERE id = $1`, [
        id,
        String((error as Error).message).slice(0, 500),
      ]);
      runs.add(1, { status: 'FAILED' });
      throw error;
    }
    return (await this.get(id))!;
  }

  async get(id: string): Promise<ReconciliationView | null> {
    const [row] = (await this.dataSource.query(`SELECT * FROM reconciliation_runs WHERE id = $1 AND ${REPORTED}`, [id])) as RunRow[];
    return row ? toView(row) : null;
  }

  async list(page: PageQuery): Promise<Page<ReconciliationView>> {
    const parameters: unknown[] = [page.limit + 1];
    let after = '';
    if (page.cursor) {
      const position = decodeCursor(
        page.cursor,
        (value): value is { startedAt: string; id: string } => typeof value.startedAt === 'string' && typeof value.id === 'string',
      );
      parameters.push(position.startedAt, position.id);
      after = 'AND (started_at, id) < ($2, $3)';
    }
    const rows = (await this.dataSource.query(
      `SELECT * FROM reconciliation_runs WHERE ${REPORTED} ${after} ORDER BY started_at DESC, id DESC LIMIT $1`,
      parameters,
    )) as RunRow[];
    return toPage(rows, page.limit, toView, (row) => ({ startedAt: row.started_at.toISOString(), id: row.id }));
  }

  /** This service's transfers, ordered by id, a page at a time. */
  private async *transfers(startedAt: Date): AsyncIterable<TransferFacts> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = (await this.dataSource.query(
        `SELECT id, from_account_id, to_account_id, amount::text AS amount, status,
                (status <> 'PENDING' AND updated_at < $2) AS settled
           FROM transfers WHERE id > $1 ORDER BY id LIMIT $3`,
        [after, startedAt, PAGE],
      )) as { id: string; from_account_id: string; to_account_id: string; amount: string; status: TransferFacts['status']; settled: boolean }[];
      for (const row of rows) {
        yield {
          id: row.id,
          fromAccountId: row.from_account_id,
          toAccountId: row.to_account_id,
          amount: row.amount,
          status: row.status,
          settled: row.settled,
        };
      }
      if (rows.length < PAGE) return;
      after = rows.at(-1)!.id;
    }
  }

  /** The account ledger's transfer legs, ordered by transfer id, a page at a time. */
  private async *legs(startedAt: Date): AsyncIterable<TransferLeg> {
    let after: string | null = null;
    do {
      const page = await this.accounts.transferLegs(after, startedAt, PAGE);
      yield* page.legs;
      after = page.next;
    } while (after);
  }
}

interface RunRow {
  id: string;
  status: ReconciliationView['status'];
  started_at: Date;
  finished_at: Date;
  checked: Partial<ReconciliationView['checked']>;
  discrepancies: Discrepancy[];
  /** Null for runs stored before the count was (their list is complete). */
  discrepancy_count: number | null;
}

function toView(row: RunRow): ReconciliationView {
  return {
    id: row.id,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at.toISOString(),
    checked: { accounts: row.checked.accounts ?? 0, transfers: row.checked.transfers ?? 0, ledgerEntries: row.checked.ledgerEntries ?? 0 },
    discrepancyCount: row.discrepancy_count ?? row.discrepancies.length,
    discrepancies: row.discrepancies,
  };
}
