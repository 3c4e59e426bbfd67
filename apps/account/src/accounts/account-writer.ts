import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { LockMode } from '@bankshop/contracts';
import { backoffDelay } from '@bankshop/resilience';
import { meter } from '@bankshop/telemetry';
import { AccountConfig } from '../config/account.config.ts';
import type { Account } from './domain/account.ts';
import { AccountNotFoundError, ConcurrentUpdateError } from './domain/account-errors.ts';
import { AccountStore, OptimisticConflict } from './persistence/account.store.ts';

const conflicts = meter().createCounter('bankshop.account.lock_conflicts', {
  description: 'Optimistic updates that lost to a concurrent writer and were retried',
});
const exhausted = meter().createCounter('bankshop.account.lock_retries_exhausted', {
  description: 'Optimistic updates that gave up after their last retry',
});

export interface ChangeOptions {
  /**
   * Takes other locks before the accounts' (a hold's row, say), so that every path through this
   * service acquires locks in the same order: first the hold, then its accounts in id order.
   */
  lockFirst?: (manager: EntityManager) => Promise<void>;
}

/**
 * Postgres gave up on this transaction to resolve a lock cycle or a serialization conflict. Lock
 * ordering makes deadlocks unexpected here; should one happen all the same, the transaction was
 * rolled back whole and running it again is safe.
 */
function isTransientLockFailure(error: unknown): boolean {
  const code = (error as { driverError?: { code?: unknown } }).driverError?.code;
  return code === '40P01' || code === '40001';
}

/** The accounts of one change, as loaded (and locked, in pessimistic mode) for it. */
export class LockedAccounts {
  constructor(private readonly accounts: Map<string, Account>) {}

  get(id: string): Account {
    const account = this.accounts.get(id);
    if (!account) throw new AccountNotFoundError();
    return account;
  }

  values(): Iterable<Account> {
    return this.accounts.values();
  }
}

/**
 * Runs one change to some accounts as a single database transaction under the chosen lock mode:
 * load (and lock), let `work` apply domain rules and write its own rows (ledger entries, holds,
 * outbox events), then write the changed accounts. In optimistic mode a lost race rolls
 * everything back and the change is retried, a bounded number of times, after a jittered pause
 * (so the losers of one race do not collide again in lockstep). A deadlock reported by Postgres,
 * which lock ordering should prevent, is retried the same way in either mode.
 */
@Injectable()
export class AccountWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: AccountStore,
    private readonly config: AccountConfig,
  ) {}

  async change<T>(
    operation: string,
    ids: readonly string[],
    mode: LockMode,
    work: (accounts: LockedAccounts, manager: EntityManager) => Promise<T>,
    options: ChangeOptions = {},
  ): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction(async (manager) => {
          await options.lockFirst?.(manager);
          const accounts = new LockedAccounts(await this.store.load(manager, ids, mode));
          const result = await work(accounts, manager);
          await this.store.write(manager, accounts.values(), mode);
          return result;
        });
      } catch (error) {
        if (!(error instanceof OptimisticConflict) && !isTransientLockFailure(error)) throw error;
        conflicts.add(1, { operation });
        if (attempt >= this.config.OPTIMISTIC_MAX_ATTEMPTS) {
          exhausted.add(1, { operation });
          throw new ConcurrentUpdateError();
        }
        await sleep(backoffDelay(attempt, { baseMs: 5, maxMs: 200 }));
      }
    }
  }
}
