import type { TransferLeg } from '@bankshop/contracts';
import { Money } from '@bankshop/money';

export type DiscrepancyKind = 'BALANCE_MISMATCH' | 'UNBALANCED_TRANSFER' | 'MISSING_LEDGER_ENTRY' | 'ORPHAN_LEDGER_ENTRY';

/** One finding of a reconciliation run (API.md `discrepancies[]`). */
export interface Discrepancy {
  kind: DiscrepancyKind;
  accountId?: string;
  transferId?: string;
  expected?: string;
  actual?: string;
}

/** What reconciliation needs to know about one transfer. */
export interface TransferFacts {
  id: string;
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  status: 'PENDING' | 'COMPLETED' | 'REJECTED' | 'FAILED';
  /**
   * Whether it ended before the run started. A transfer still in flight (or one that ended during
   * the run) may rightly have legs without being COMPLETED yet: it and its legs are skipped.
   */
  settled: boolean;
}

/**
 * Compares one transfer with the ledger legs bearing its id (either may be missing). A completed
 * transfer must have exactly one debit of `-amount` on its source and one credit of `+amount` on
 * its destination; any other transfer must have none.
 */
export function compareTransfer(transfer: TransferFacts | undefined, legs: readonly TransferLeg[]): Discrepancy[] {
  if (transfer && !transfer.settled) return [];
  if (!transfer) {
    return legs.map((leg) => ({ kind: 'ORPHAN_LEDGER_ENTRY', accountId: leg.accountId, transferId: leg.transferId, actual: leg.amount }));
  }
  if (transfer.status !== 'COMPLETED') {
    return legs.map((leg) => ({ kind: 'ORPHAN_LEDGER_ENTRY', accountId: leg.accountId, transferId: transfer.id, actual: leg.amount }));
  }
  if (legs.length === 0) {
    return [{ kind: 'MISSING_LEDGER_ENTRY', transferId: transfer.id, expected: transfer.amount, actual: '0.00' }];
  }
  const amount = Money.of(transfer.amount);
  const debits = legs.filter((leg) => leg.type === 'TRANSFER_DEBIT');
  const credits = legs.filter((leg) => leg.type === 'TRANSFER_CREDIT');
  const balanced =
    debits.length === 1 &&
    credits.length === 1 &&
    debits[0]!.accountId === transfer.fromAccountId &&
    credits[0]!.accountId === transfer.toAccountId &&
    Money.of(debits[0]!.amount).eq(amount.negated()) &&
    Money.of(credits[0]!.amount).eq(amount);
  if (balanced) return [];
  if (debits.length === 0 || credits.length === 0) {
    return [{ kind: 'MISSING_LEDGER_ENTRY', transferId: transfer.id, expected: transfer.amount, actual: describe(legs) }];
  }
  return [{ kind: 'UNBALANCED_TRANSFER', transferId: transfer.id, expected: transfer.amount, actual: describe(legs) }];
}

/** What `reconcileTransfers` found: the first discrepancies, and how many there were in all. */
export interface TransferReconciliation {
  transfers: number;
  legs: number;
  /** The first `maxListed` discrepancies, in transfer id order. */
  discrepancies: Discrepancy[];
  /** Every discrepancy found, listed or not. */
  discrepancyCount: number;
}

/**
 * Merges two streams ordered by transfer id, the transfers of this service and the legs of the
 * account ledger, comparing each transfer with its legs; memory holds one page of each at a time.
 * Only the first `maxListed` discrepancies are kept, the rest only counted: a badly broken ledger
 * (a million orphan entries) must not make the report as big as the ledger.
 */
export async function reconcileTransfers(
  transfers: AsyncIterable<TransferFacts>,
  legs: AsyncIterable<TransferLeg>,
  maxListed: number,
): Promise<TransferReconciliation> {
  const discrepancies: Discrepancy[] = [];
  let discrepancyCount = 0;
  const transferCursor = transfers[Symbol.asyncIterator]();
  const legCursor = legs[Symbol.asyncIterator]();
  let transfer = await next(transferCursor);
  let leg = await next(legCursor);
  let transferCount = 0;
  let legCount = 0;
  while (transfer || leg) {
    const id = !leg || (transfer && transfer.id < leg.transferId) ? transfer!.id : leg.transferId;
    const matching = transfer?.id === id ? transfer : undefined;
    const group: TransferLeg[] = [];
    while (leg && leg.transferId === id) {
      group.push(leg);
      leg = await next(legCursor);
    }
    const found = compareTransfer(matching, group);
    discrepancies.push(...found.slice(0, Math.max(0, maxListed - discrepancies.length)));
    discrepancyCount += found.length;
    if (matching) {
      transferCount += 1;
      transfer = await next(transferCursor);
    }
    legCount += group.length;
  }
  return { transfers: transferCount, legs: legCount, discrepancies, discrepancyCount };
}

async function next<T>(cursor: AsyncIterator<T>): Promise<T | undefined> {
  const result = await cursor.next();
  return result.done ? undefined : result.value;
}

function describe(legs: readonly TransferLeg[]): string {
  return legs.map((leg) => `${leg.type === 'TRANSFER_DEBIT' ? 'debit' : 'credit'} ${leg.amount} on ${leg.accountId}`).join('; ');
}
