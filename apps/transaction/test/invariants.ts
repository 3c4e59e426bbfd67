import { expect } from 'vitest';
import { Money } from '@bankshop/money';
import type { BankingStack } from './banking-stack.ts';

/**
 * The money invariants of ARCHITECTURE.md, checked directly in the databases of the account and
 * transaction services (not through the API, which could hide a problem):
 *
 * - each account's balance equals the sum of its ledger entries, and none is negative;
 * - no hold is still open and nothing is held;
 * - every transfer is terminal;
 * - each COMPLETED transfer has exactly one debit and one credit, of its amount, netting to zero;
 *   every other transfer has no ledger entries at all;
 * - the bank-wide sum of balances equals deposits minus withdrawals.
 */
export async function expectMoneyInvariants(stack: BankingStack): Promise<{ transfers: number; completed: number }> {
  const accounts = await stack.account.query<{ id: string; balance: string; held: string; ledger: string | null }>(
    `SELECT a.id, a.balance::text, a.held::text, (SELECT sum(amount)::text FROM ledger_entries e WHERE e.account_id = a.id) AS ledger
       FROM accounts a`,
  );
  for (const account of accounts) {
    expect({ id: account.id, balance: account.balance }).toEqual({ id: account.id, balance: account.ledger ?? '0.00' });
    expect(Money.of(account.balance).isNegative()).toBe(false);
    expect(account.held).toBe('0.00');
  }
  expect(await stack.account.query(`SELECT id FROM holds WHERE status = 'OPEN'`)).toEqual([]);

  const transfers = await stack.transaction.query<{ id: string; status: string; amount: string }>(
    `SELECT id, status, amount::text FROM transfers`,
  );
  expect(transfers.filter((transfer) => transfer.status === 'PENDING')).toEqual([]);

  const legs = await stack.account.query<{ transfer_id: string; type: string; amount: string }>(
    `SELECT transfer_id, type, amount::text FROM ledger_entries WHERE transfer_id IS NOT NULL`,
  );
  const legsByTransfer = new Map<string, { type: string; amount: string }[]>();
  for (const { transfer_id: transferId, type, amount } of legs) {
    legsByTransfer.set(transferId, [...(legsByTransfer.get(transferId) ?? []), { type, amount }]);
  }
  for (const transfer of transfers) {
    const own = (legsByTransfer.get(transfer.id) ?? []).sort((a, b) => a.type.localeCompare(b.type));
    if (transfer.status === 'COMPLETED') {
      expect(own).toEqual([
        { type: 'TRANSFER_CREDIT', amount: transfer.amount },
        { type: 'TRANSFER_DEBIT', amount: Money.of(transfer.amount).negated().toString() },
      ]);
    } else {
      expect(own).toEqual([]);
    }
    legsByTransfer.delete(transfer.id);
  }
  // No ledger leg belongs to a transfer the transaction service does not know.
  expect([...legsByTransfer.keys()]).toEqual([]);

  const [bank] = await stack.account.query<{ balances: string; flows: string }>(
    `SELECT (SELECT COALESCE(sum(balance), 0)::text FROM accounts) AS balances,
            (SELECT COALESCE(sum(amount), 0)::text FROM ledger_entries WHERE type IN ('DEPOSIT', 'WITHDRAWAL')) AS flows`,
  );
  expect(Money.of(bank!.balances).eq(Money.of(bank!.flows))).toBe(true);
  return { transfers: transfers.length, completed: transfers.filter((transfer) => transfer.status === 'COMPLETED').length };
}

/** Waits until the recovery sweeper has finished every transfer still in flight. */
export async function waitUntilNoTransferPending(stack: BankingStack, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await stack.transaction.query<{ n: number }>(`SELECT count(*)::int AS n FROM transfers WHERE status = 'PENDING'`);
    if (row!.n === 0) return;
    if (Date.now() > deadline) throw new Error(`${row!.n} transfer(s) still PENDING after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
