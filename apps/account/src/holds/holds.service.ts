import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AccountTransferLegV1, HoldStatus, HoldView, LockMode } from '@bankshop/contracts';
import { Outbox, type NewEvent } from '@bankshop/messaging';
import { Money } from '@bankshop/money';
import { isUniqueViolation } from '@bankshop/platform';
import { withSpan } from '@bankshop/telemetry';
import { AccountCache } from '../cache/account-cache.ts';
import { AccountConfig } from '../config/account.config.ts';
import { AccountWriter } from '../accounts/account-writer.ts';
import {
  AccountFrozenError,
  AccountNotFoundError,
  CurrencyMismatchError,
  HoldNotFoundError,
  HoldNotOpenError,
  SameAccountError,
} from '../accounts/domain/account-errors.ts';
import type { Account } from '../accounts/domain/account.ts';
import { AccountRecord } from '../accounts/persistence/account.record.ts';
import { appendLedgerEntry } from '../accounts/persistence/ledger.ts';
import type { LedgerEntryRecord } from '../accounts/persistence/ledger-entry.record.ts';
import type { PlaceHoldDto } from './dto/place-hold.dto.ts';
import { HoldRecord } from './hold.record.ts';

/**
 * The account side of the two-phase transfer (ARCHITECTURE.md "Banking: a transfer"):
 *
 * - place (prepare): lock the source, check it can pay, reserve the amount;
 * - capture (commit): in ONE local transaction, lock both accounts in id order, debit, credit,
 *   write both ledger entries, close the hold, and record both events;
 * - void / expire (abort): release the reservation.
 *
 * Every step is idempotent, so the transaction service can retry any call, and a hold changes
 * state only through a compare-and-set on its status: of a capture and a void racing for the same
 * hold, exactly one wins.
 */
@Injectable()
export class HoldsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: AccountWriter,
    private readonly outbox: Outbox,
    private readonly cache: AccountCache,
    private readonly config: AccountConfig,
  ) {}

  async place(request: PlaceHoldDto): Promise<HoldView> {
    if (request.fromAccountId === request.toAccountId) throw new SameAccountError();
    const earlier = await this.findByTransfer(request.transferId);
    if (earlier) return earlier.toView();

    const amount = Money.parse(request.amount);
    try {
      const hold = await withSpan('hold.place', () =>
        this.writer.change('hold.place', [request.fromAccountId], request.lockMode, async (accounts, manager) => {
          const source = accounts.get(request.fromAccountId);
          // The destination is only read: it does not change until the capture, which locks it.
          const destination = await manager.findOneBy(AccountRecord, { id: request.toAccountId });
          if (!destination) throw new AccountNotFoundError();
          if (destination.currency !== source.currency) throw new CurrencyMismatchError();
          if (destination.status !== 'ACTIVE') throw new AccountFrozenError(destination.id);
          source.hold(amount);
          const record = manager.create(HoldRecord, {
            id: randomUUID(),
            transferId: request.transferId,
            fromAccountId: source.id,
            toAccountId: destination.id,
            amount,
            currency: source.currency,
            status: 'OPEN',
            expiresAt: new Date(Date.now() + this.config.HOLD_TTL_SECONDS * 1000),
            closedAt: null,
          });
          await manager.insert(HoldRecord, record);
          return record;
        }),
      );
      await this.cache.invalidate([request.fromAccountId]);
      return hold.toView();
    } catch (error) {
      // Two concurrent calls for one transfer: the unique transfer_id lets one insert; the other
      // answers with the winner's hold.
      const winner = isUniqueViolation(error) ? await this.findByTransfer(request.transferId) : null;
      if (winner) return winner.toView();
      throw error;
    }
  }

  async capture(id: string, lockMode: LockMode): Promise<HoldView> {
    const hold = await this.mustFind(id);
    if (hold.status === 'CAPTURED') return hold.toView();

    await withSpan('hold.capture', () =>
      this.writer.change(
        'hold.capture',
        [hold.fromAccountId, hold.toAccountId],
        lockMode,
        async (accounts, manager) => {
          if (!(await this.close(manager, hold.id, 'CAPTURED'))) return;
          const source = accounts.get(hold.fromAccountId);
          const destination = accounts.get(hold.toAccountId);
          source.captureHold(hold.amount);
          destination.credit(hold.amount);
          const debit = await appendLedgerEntry(manager, {
            id: randomUUID(),
            account: source,
            type: 'TRANSFER_DEBIT',
            amount: hold.amount.negated(),
            transferId: hold.transferId,
          });
          const credit = await appendLedgerEntry(manager, {
            id: randomUUID(),
            account: destination,
            type: 'TRANSFER_CREDIT',
            amount: hold.amount,
            transferId: hold.transferId,
          });
          await this.outbox.append(
            manager,
            legEvent('account.debited.v1', source, debit, hold.transferId),
            legEvent('account.credited.v1', destination, credit, hold.transferId),
          );
        },
        { lockFirst: (manager) => lockHold(manager, hold.id) },
      ),
    );
    await this.cache.invalidate([hold.fromAccountId, hold.toAccountId]);
    return (await this.mustFind(id)).toView();
  }

  /** Abort: give the reserved amount back. Voiding a voided or expired hold changes nothing. */
  async void(id: string): Promise<HoldView> {
    return this.release(id, 'VOIDED');
  }

  /** Releases holds whose time ran out (the expiry job); returns how many. */
  async expireDue(limit: number): Promise<number> {
    const due = await this.dataSource
      .getRepository(HoldRecord)
      .createQueryBuilder('hold')
      .where('hold.status = :open AND hold.expiresAt < now()', { open: 'OPEN' })
      .orderBy('hold.expiresAt')
      .limit(limit)
      .getMany();
    let expired = 0;
    for (const hold of due) {
      const released = await this.release(hold.id, 'EXPIRED').catch(() => undefined);
      if (released?.status === 'EXPIRED') expired += 1;
    }
    return expired;
  }

  async get(id: string): Promise<HoldView> {
    return (await this.mustFind(id)).toView();
  }

  async getByTransfer(transferId: string): Promise<HoldView> {
    const hold = await this.findByTransfer(transferId);
    if (!hold) throw new HoldNotFoundError();
    return hold.toView();
  }

  private async release(id: string, outcome: 'VOIDED' | 'EXPIRED'): Promise<HoldView> {
    const hold = await this.mustFind(id);
    if (hold.status === 'VOIDED' || hold.status === 'EXPIRED') return hold.toView();
    if (hold.status === 'CAPTURED') throw new HoldNotOpenError(hold.status);

    await this.writer.change(
      `hold.${outcome.toLowerCase()}`,
      [hold.fromAccountId],
      'pessimistic',
      async (accounts, manager) => {
        if (await this.close(manager, hold.id, outcome)) accounts.get(hold.fromAccountId).releaseHold(hold.amount);
      },
      { lockFirst: (manager) => lockHold(manager, hold.id) },
    );
    await this.cache.invalidate([hold.fromAccountId]);
    return (await this.mustFind(id)).toView();
  }

  /**
   * Moves an OPEN hold to `outcome`. False if another call already closed it the same way (a
   * retry: nothing to do); an error if it was closed differently (captured, or released).
   */
  private async close(manager: EntityManager, id: string, outcome: HoldStatus): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(HoldRecord)
      .set({ status: outcome, closedAt: () => 'now()' })
      .where('id = :id AND status = :open', { id, open: 'OPEN' })
      .execute();
    if (result.affected === 1) return true;
    const current = await manager.findOneByOrFail(HoldRecord, { id });
    const sameOutcome = current.status === outcome || (outcome !== 'CAPTURED' && current.status !== 'CAPTURED');
    if (sameOutcome) return false;
    throw new HoldNotOpenError(current.status);
  }

  private async mustFind(id: string): Promise<HoldRecord> {
    const hold = await this.dataSource.getRepository(HoldRecord).findOneBy({ id });
    if (!hold) throw new HoldNotFoundError();
    return hold;
  }

  private findByTransfer(transferId: string): Promise<HoldRecord | null> {
    return this.dataSource.getRepository(HoldRecord).findOneBy({ transferId });
  }
}

/** `account.debited.v1` or `account.credited.v1`: one side of a captured transfer. */
function legEvent(
  type: 'account.debited.v1' | 'account.credited.v1',
  account: Account,
  entry: LedgerEntryRecord,
  transferId: string,
): NewEvent {
  return {
    type,
    aggregateId: account.id,
    payload: {
      accountId: account.id,
      transferId,
      entryId: entry.id,
      amount: entry.amount.toString(),
      balance: account.balance.toString(),
      currency: account.currency,
    } satisfies AccountTransferLegV1,
  };
}

/**
 * Locks a hold's row. Every operation on an existing hold takes this lock before its accounts'
 * (one order everywhere, so a capture and a void of the same hold cannot deadlock: the second
 * simply waits, then finds the hold closed).
 */
async function lockHold(manager: EntityManager, id: string): Promise<void> {
  await manager.getRepository(HoldRecord).createQueryBuilder('hold').where('hold.id = :id', { id }).setLock('pessimistic_write').getOne();
}
