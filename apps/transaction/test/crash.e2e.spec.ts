import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BankingStack, type Customer } from './banking-stack.ts';
import { expectMoneyInvariants, waitUntilNoTransferPending } from './invariants.ts';

/**
 * Crashes at the worst moment: between prepare (funds held) and commit. The transaction service
 * is told to pause there (FAULT_PAUSE_BEFORE_COMMIT_MS), the test SIGKILLs a service during the
 * pause, restarts it, and checks that the recovery sweeper drove the transfer to exactly one
 * terminal state with every invariant intact.
 */
describe('a crash between prepare and commit', () => {
  let stack: BankingStack;
  BankingStack.showServiceErrorsOnFailure(() => stack);
  let alice: Customer;
  let bob: Customer;

  beforeAll(async () => {
    stack = await BankingStack.start({
      env: {
        // The lease outlasts the pause, so the paused request still owns the transfer when it resumes.
        transaction: { FAULT_PAUSE_BEFORE_COMMIT_MS: '3000', TRANSFER_LEASE_MS: '5000', RECOVERY_INTERVAL_MS: '250', UPSTREAM_TIMEOUT_MS: '500' },
      },
    });
    [alice, bob] = await Promise.all([stack.customer(), stack.customer()]);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function waitForStep(transferStep: string): Promise<string> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const [row] = await stack.transaction.query<{ id: string }>(`SELECT id FROM transfers WHERE step = $1`, [transferStep]);
      if (row) return row.id;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no transfer reached ${transferStep}`);
  }

  it('of the account service: the transfer is committed once the account service is back', async () => {
    const from = await stack.openAccount(alice, 'USD', '100.00');
    const to = await stack.openAccount(bob, 'USD');

    const pending = stack.transfer(alice, { fromAccountId: from, toAccountId: to, amount: '40.00' });
    const transferId = await waitForStep('PREPARED');
    await stack.account.service.kill();

    const answer = await pending;
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', transferId, transferStatus: 'PENDING' });

    await stack.account.service.start();
    await waitUntilNoTransferPending(stack);
    const recovered = await stack.api.get(`/api/transfers/${transferId}`, { token: alice.token });
    expect(recovered.body.status).toBe('COMPLETED');
    expect(await stack.balance(alice, from)).toBe('60.00');
    expect(await stack.balance(bob, to)).toBe('40.00');
    await expectMoneyInvariants(stack);
  }, 90_000);

  it('of the transaction service itself: the prepared transfer is rolled back and the funds released', async () => {
    const from = await stack.openAccount(alice, 'USD', '100.00');
    const to = await stack.openAccount(bob, 'USD');

    const pending = stack.transfer(alice, { fromAccountId: from, toAccountId: to, amount: '25.00' }).catch((error: Error) => error);
    await stack.transaction.query(`SELECT 1`);
    const transferId = await waitForStep('PREPARED');
    await stack.transaction.service.kill();
    expect(await pending).toBeInstanceOf(Error);

    await stack.transaction.service.start();
    await waitUntilNoTransferPending(stack);
    const recovered = await stack.api.get(`/api/transfers/${transferId}`, { token: alice.token });
    expect(recovered.body).toMatchObject({ status: 'FAILED', failureCode: 'ABANDONED' });
    expect(await stack.balance(alice, from)).toBe('100.00');
    const account = await stack.api.get(`/api/accounts/${from}`, { token: alice.token });
    expect(account.body.available).toBe('100.00');
    await expectMoneyInvariants(stack);
  }, 90_000);
});
