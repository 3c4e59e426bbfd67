import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LockMode } from '@bankshop/contracts';
import type { Account } from '../domain/account.ts';
import { AccountRecord } from './account.record.ts';

/** Another transaction changed the account after we read it (optimistic mode only). */
export class OptimisticConflict extends Error {
  override readonly name = 'OptimisticConflict';
}

/**
 * Reads and writes accounts under one of the two locking disciplines:
 *
 * - pessimistic: `SELECT ... ORDER BY id FOR NO KEY UPDATE`. Rows are locked in id order, so two
 *   transfers between the same accounts in opposite directions wait for each other instead of
 *   deadlocking. NO KEY UPDATE (not FOR UPDATE) because we never change an account's key: it
 *   leaves the key-share locks of foreign-key checks (inserting a hold or a ledger entry that
 *   references the account) free, which would otherwise deadlock with a lock taken in id order.
 *   Writers queue; nobody retries.
 * - optimistic: a plain read, then `UPDATE ... WHERE id = $1 AND version = $2`. Zero rows updated
 *   means someone else won; the caller retries the whole transaction. Nobody waits while reading.
 */
@Injectable()
export class AccountStore {
  async load(manager: EntityManager, ids: readonly string[], mode: LockMode): Promise<Map<string, Account>> {
    const query = manager
      .getRepository(AccountRecord)
      .createQueryBuilder('account')
      .where('account.id IN (:...ids)', { ids: [...new Set(ids)] })
      .orderBy('account.id', 'ASC');
    if (mode === 'pessimistic') query.setLock('for_no_key_update');
    const records = await query.getMany();
    return new Map(records.map((record) => [record.id, record.toDomain()]));
  }

  /** Writes the changed accounts, in id order (so concurrent writers never deadlock). */
  async write(manager: EntityManager, accounts: Iterable<Account>, mode: LockMode): Promise<void> {
    const changed = [...accounts].filter((account) => account.isChanged).sort((a, b) => a.id.localeCompare(b.id));
    for (const account of changed) {
      const state = account.snapshot();
      const update = manager
        .createQueryBuilder()
        .update(AccountRecord)
        .set({
          balance: state.balance,
          held: state.held,
          status: state.status,
          frozenReason: state.frozenReason,
          version: () => 'version + 1',
          updatedAt: () => 'now()',
        })
        .where('id = :id', { id: state.id });
      if (mode === 'optimistic') update.andWhere('version = :version', { version: state.version });
      const result = await update.execute();
      if (result.affected !== 1) throw new OptimisticConflict(`account ${state.id} changed since version ${state.version}`);
    }
  }
}
