import type { TransferLeg } from '@bankshop/contracts';
import { describe, expect, it } from 'vitest';
import { compareTransfer, reconcileTransfers, type TransferFacts } from './discrepancies.ts';

const transfer: TransferFacts = { id: 't1', fromAccountId: 'a', toAccountId: 'b', amount: '10.00', status: 'COMPLETED', settled: true };
const debit: TransferLeg = { transferId: 't1', accountId: 'a', type: 'TRANSFER_DEBIT', amount: '-10.00' };
const credit: TransferLeg = { transferId: 't1', accountId: 'b', type: 'TRANSFER_CREDIT', amount: '10.00' };

async function* stream<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

describe('compareTransfer', () => {
  it('accepts a completed transfer with one matching debit and credit', () => {
    expect(compareTransfer(transfer, [credit, debit])).toEqual([]);
  });

  it('reports a completed transfer without legs as MISSING_LEDGER_ENTRY', () => {
    expect(compareTransfer(transfer, [])).toEqual([{ kind: 'MISSING_LEDGER_ENTRY', transferId: 't1', expected: '10.00', actual: '0.00' }]);
  });

  it('reports a missing side as MISSING_LEDGER_ENTRY, naming what is there', () => {
    expect(compareTransfer(transfer, [credit])).toEqual([
      { kind: 'MISSING_LEDGER_ENTRY', transferId: 't1', expected: '10.00', actual: 'credit 10.00 on b' },
    ]);
  });

  it.each([
    ['a wrong amount', [debit, { ...credit, amount: '9.99' }]],
    ['a second credit', [debit, credit, { ...credit, amount: '10.00' }]],
    ['the credit on the wrong account', [debit, { ...credit, accountId: 'c' }]],
  ] as const)('reports %s as UNBALANCED_TRANSFER', (_what, legs) => {
    expect(compareTransfer(transfer, legs)).toEqual([
      expect.objectContaining({ kind: 'UNBALANCED_TRANSFER', transferId: 't1', expected: '10.00' }),
    ]);
  });

  it('skips a transfer still in flight, and its legs', () => {
    expect(compareTransfer({ ...transfer, status: 'PENDING', settled: false }, [debit])).toEqual([]);
    expect(compareTransfer({ ...transfer, settled: false }, [])).toEqual([]);
  });

  it('reports legs of a transfer that did not complete, or does not exist, as ORPHAN_LEDGER_ENTRY', () => {
    expect(compareTransfer({ ...transfer, status: 'REJECTED' }, [credit])).toEqual([
      { kind: 'ORPHAN_LEDGER_ENTRY', accountId: 'b', transferId: 't1', actual: '10.00' },
    ]);
    expect(compareTransfer(undefined, [debit])).toEqual([{ kind: 'ORPHAN_LEDGER_ENTRY', accountId: 'a', transferId: 't1', actual: '-10.00' }]);
  });
});

describe('reconcileTransfers', () => {
  it('merges both ordered streams and finds each kind of discrepancy once', async () => {
    const transfers: TransferFacts[] = [
      transfer,
      { ...transfer, id: 't2' },
      { ...transfer, id: 't4', status: 'FAILED' },
    ];
    const legs: TransferLeg[] = [
      debit,
      credit,
      { ...credit, transferId: 't3' },
    ];
    const result = await reconcileTransfers(stream(transfers), stream(legs), 500);
    expect(result.transfers).toBe(3);
    expect(result.legs).toBe(3);
    expect(result.discrepancies).toEqual([
      { kind: 'MISSING_LEDGER_ENTRY', transferId: 't2', expected: '10.00', actual: '0.00' },
      { kind: 'ORPHAN_LEDGER_ENTRY', accountId: 'b', transferId: 't3', actual: '10.00' },
    ]);
    expect(result.discrepancyCount).toBe(2);
  });

  describe('with more discrepancies than it may list', () => {
    const transfers: TransferFacts[] = [
      { ...transfer, id: 't1' },
      { ...transfer, id: 't2', status: 'FAILED' },
      { ...transfer, id: 't4' },
    ];
    const legs: TransferLeg[] = [
      { ...debit, transferId: 't2' },
      { ...credit, transferId: 't2' },
      { ...credit, transferId: 't3' },
      { ...debit, transferId: 't4' },
      { ...credit, transferId: 't4' },
    ];

    it('lists the first ones in transfer id order, even part of one transfer\'s, and counts them all', async () => {
      const result = await reconcileTransfers(stream(transfers), stream(legs), 2);
      expect(result.discrepancies).toEqual([
        { kind: 'MISSING_LEDGER_ENTRY', transferId: 't1', expected: '10.00', actual: '0.00' },
        { kind: 'ORPHAN_LEDGER_ENTRY', accountId: 'a', transferId: 't2', actual: '-10.00' },
      ]);
      expect(result.discrepancyCount).toBe(4);
      expect(result.transfers).toBe(3);
      expect(result.legs).toBe(5);
    });

    it('lists none when the report is already full, and still counts them all', async () => {
      const result = await reconcileTransfers(stream(transfers), stream(legs), 0);
      expect(result.discrepancies).toEqual([]);
      expect(result.discrepancyCount).toBe(4);
    });

    it('keeps no more than the limit however many it finds', async () => {
      async function* orphans(): AsyncIterable<TransferLeg> {
        for (let index = 0; index < 100_000; index += 1) yield { ...credit, transferId: `o${String(index).padStart(6, '0')}` };
      }
      const result = await reconcileTransfers(stream([]), orphans(), 3);
      expect(result.discrepancies.map((discrepancy) => discrepancy.transferId)).toEqual(['o000000', 'o000001', 'o000002']);
      expect(result.discrepancyCount).toBe(100_000);
      expect(result.legs).toBe(100_000);
    });
  });
});
