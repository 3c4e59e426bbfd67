import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Money } from '@bankshop/money';
import { BankingStack, type Customer } from './banking-stack.ts';
import { expectMoneyInvariants, waitUntilNoTransferPending } from './invariants.ts';

const SECONDS = Number(process.env.E2E_CONCURRENCY_SECONDS ?? 20);
const CLIENTS = 64;
const ACCOUNTS = 8;

/**
 * ARCHITECTURE.md's invariants under load, in each lock mode: 64 clients make random transfers
 * among 8 accounts (hot rows on purpose) while another client reads the bank-wide totals without
 * pause. Every totals read must balance; at the end every invariant must hold.
 */
describe.each(['pessimistic', 'optimistic'] as const)('%s locking under heavy concurrency', (lockMode) => {
  let stack: BankingStack;
  BankingStack.showServiceErrorsOnFailure(() => stack);
  const owners: Customer[] = [];
  const accounts: { owner: Customer; id: string }[] = [];

  beforeAll(async () => {
    stack = await BankingStack.start({ env: { transaction: { TRANSFER_LEASE_MS: '5000', RECOVERY_INTERVAL_MS: '500' } } });
    owners.push(await stack.customer(), await stack.customer());
    for (let index = 0; index < ACCOUNTS; index += 1) {
      const owner = owners[index % owners.length]!;
      accounts.push({ owner, id: await stack.openAccount(owner, 'USD', '10000.00') });
    }
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it(`keeps every invariant with ${CLIENTS} clients for ${SECONDS} s while totals are read`, async () => {
    const deadline = Date.now() + SECONDS * 1000;
    const statuses = new Map<number, number>();
    let totalsReads = 0;

    const client = async () => {
      while (Date.now() < deadline) {
        const from = accounts[randomInt(ACCOUNTS)]!;
        let to = accounts[randomInt(ACCOUNTS)]!;
        while (to.id === from.id) to = accounts[randomInt(ACCOUNTS)]!;
        const amount = `${randomInt(1, 500)}.${String(randomInt(100)).padStart(2, '0')}`;
        const response = await stack.transfer(from.owner, { fromAccountId: from.id, toAccountId: to.id, amount, lockMode }, randomUUID());
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    };
    const auditor = async () => {
      while (Date.now() < deadline) {
        const totals = await stack.api.get('/api/admin/accounts/totals', { token: stack.adminToken });
        expect(totals.status).toBe(200);
        for (const row of totals.body.items as { balance: string; deposits: string; withdrawals: string }[]) {
          expect(Money.of(row.balance).eq(Money.of(row.deposits).minus(Money.of(row.withdrawals)))).toBe(true);
          expect(Money.of(row.balance).isNegative()).toBe(false);
        }
        totalsReads += 1;
      }
    };
    await Promise.all([...Array.from({ length: CLIENTS }, client), auditor()]);

    await waitUntilNoTransferPending(stack);
    const { transfers, completed } = await expectMoneyInvariants(stack);
    console.log(`${lockMode}: ${transfers} transfers (${completed} completed) in ${SECONDS} s, ${totalsReads} totals reads, answers ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(completed).toBeGreaterThan(0);
    expect(totalsReads).toBeGreaterThan(0);
    // Only the answers API.md allows for a valid transfer request under contention.
    expect([...statuses.keys()].every((status) => [201, 409, 422, 503, 504].includes(status))).toBe(true);
  }, (SECONDS + 120) * 1000);
});
