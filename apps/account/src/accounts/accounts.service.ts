import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AccountFacts, Currency } from '@bankshop/contracts';
import { isAdmin, type AuthenticatedUser } from '@bankshop/auth';
import { auditEvent, Outbox } from '@bankshop/messaging';
import { Money } from '@bankshop/money';
import { decodeCursor, idempotentId, toPage, type Page, type PageQuery } from '@bankshop/platform';
import { AccountCache } from '../cache/account-cache.ts';
import { AccountWriter } from './account-writer.ts';
import { AccountNotFoundError } from './domain/account-errors.ts';
import { accountNumber } from './domain/account-number.ts';
import { toAccountFacts, toAccountView, type AccountView } from './dto/account.view.ts';
import type { CashMovementView } from './dto/cash.dto.ts';
import { toLedgerEntryView, type CurrencyTotalsView, type LedgerEntryView } from './dto/ledger.view.ts';
import { AccountRecord } from './persistence/account.record.ts';
import { appendLedgerEntry } from './persistence/ledger.ts';
import { LedgerEntryRecord } from './persistence/ledger-entry.record.ts';

type CashMovement = 'deposit' | 'withdrawal';

/**
 * Accounts as their owners (and administrators) see and use them. Every change runs in one
 * database transaction together with its ledger entry and its outbox event, and is acknowledged
 * only after the read cache has been told.
 */
@Injectable()
export class AccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: AccountWriter,
    private readonly outbox: Outbox,
    private readonly cache: AccountCache,
  ) {}

  async open(owner: AuthenticatedUser, currency: Currency): Promise<AccountView> {
    return this.dataSource.transaction((manager) => this.openIn(manager, owner.id, currency));
  }

  /**
   * The one account a system owner (the shop's merchant) keeps in `currency`: found, or opened on
   * first use. Concurrent first calls serialise on an advisory lock, so exactly one is opened.
   */
  async systemAccount(ownerId: string, currency: Currency): Promise<AccountFacts> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('system-account:' || $1 || ':' || $2))`, [ownerId, currency]);
      const existing = await manager.findOne(AccountRecord, { where: { ownerId, currency }, order: { createdAt: 'ASC', id: 'ASC' } });
      return toAccountFacts(existing ? toAccountView(existing.toDomain()) : await this.openIn(manager, ownerId, currency));
    });
  }

  private async openIn(manager: EntityManager, ownerId: string, currency: Currency): Promise<AccountView> {
    const [sequence] = (await manager.query(`SELECT nextval('account_number_seq')::text AS value`)) as { value: string }[];
    const now = new Date();
    const record = manager.create(AccountRecord, {
      id: randomUUID(),
      number: accountNumber(sequence!.value),
      ownerId,
      currency,
      balance: Money.zero(),
      held: Money.zero(),
      status: 'ACTIVE',
      frozenReason: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    await manager.insert(AccountRecord, record);
    await this.outbox.append(
      manager,
      { type: 'account.opened.v1', aggregateId: record.id, payload: { accountId: record.id, ownerId, currency } },
      auditEvent({
        actorId: ownerId,
        action: 'account.opened',
        resourceType: 'account',
        resourceId: record.id,
        outcome: 'SUCCESS',
        data: { currency, number: record.number },
      }),
    );
    return toAccountView(record.toDomain());
  }

  async listOwn(owner: AuthenticatedUser): Promise<{ items: AccountView[] }> {
    const records = await this.dataSource
      .getRepository(AccountRecord)
      .find({ where: { ownerId: owner.id }, order: { createdAt: 'DESC', id: 'DESC' } });
    return { items: records.map((record) => toAccountView(record.toDomain())) };
  }

  /** An account the caller may see: their own, or any for an administrator; else 404. */
  async get(user: AuthenticatedUser, id: string): Promise<AccountView> {
    const view = await this.cache.get(id, () => this.loadView(id));
    if (!view || !(isAdmin(user) || view.ownerId === user.id)) throw new AccountNotFoundError();
    return view;
  }

  /** For other services: owner, currency and status, without ownership checks. */
  async facts(id: string): Promise<AccountFacts> {
    const view = await this.cache.get(id, () => this.loadView(id));
    if (!view) throw new AccountNotFoundError();
    return toAccountFacts(view);
  }

  deposit(user: AuthenticatedUser, accountId: string, amount: Money, idempotencyKey: string): Promise<CashMovementView> {
    return this.moveCash('deposit', user, accountId, amount, idempotencyKey);
  }

  withdraw(user: AuthenticatedUser, accountId: string, amount: Money, idempotencyKey: string): Promise<CashMovementView> {
    return this.moveCash('withdrawal', user, accountId, amount, idempotencyKey);
  }

  async ledger(user: AuthenticatedUser, accountId: string, page: PageQuery): Promise<Page<LedgerEntryView>> {
    await this.get(user, accountId);
    const query = this.dataSource
      .getRepository(LedgerEntryRecord)
      .createQueryBuilder('entry')
      .where('entry.accountId = :accountId', { accountId })
      .orderBy('entry.seq', 'DESC')
      .limit(page.limit + 1);
    if (page.cursor) {
      const { seq } = decodeCursor(page.cursor, (position): position is { seq: string } => /^\d+$/.test(String(position.seq)));
      query.andWhere('entry.seq < :seq', { seq });
    }
    return toPage(await query.getMany(), page.limit, toLedgerEntryView, (entry) => ({ seq: entry.seq }));
  }

  async freeze(admin: AuthenticatedUser, id: string, reason: string): Promise<AccountView> {
    await this.writer.change('freeze', [id], 'pessimistic', async (accounts, manager) => {
      if (!accounts.get(id).freeze(reason)) return;
      await this.outbox.append(
        manager,
        { type: 'account.frozen.v1', aggregateId: id, payload: { accountId: id, status: 'FROZEN', reason, by: admin.id } },
        auditEvent({ actorId: admin.id, action: 'account.frozen', resourceType: 'account', resourceId: id, outcome: 'SUCCESS', data: { reason } }),
      );
    });
    await this.cache.invalidate([id]);
    return this.mustLoadView(id);
  }

  async unfreeze(admin: AuthenticatedUser, id: string): Promise<AccountView> {
    await this.writer.change('unfreeze', [id], 'pessimistic', async (accounts, manager) => {
      if (!accounts.get(id).unfreeze()) return;
      await this.outbox.append(
        manager,
        { type: 'account.unfrozen.v1', aggregateId: id, payload: { accountId: id, status: 'ACTIVE', by: admin.id } },
        auditEvent({ actorId: admin.id, action: 'account.unfrozen', resourceType: 'account', resourceId: id, outcome: 'SUCCESS' }),
      );
    });
    await this.cache.invalidate([id]);
    return this.mustLoadView(id);
  }

  /** Every account, newest first. */
  async listAll(page: PageQuery): Promise<Page<AccountView>> {
    const query = this.dataSource
      .getRepository(AccountRecord)
      .createQueryBuilder('account')
      .orderBy('account.createdAt', 'DESC')
      .addOrderBy('account.id', 'DESC')
      .limit(page.limit + 1);
    if (page.cursor) {
      const position = decodeCursor(
        page.cursor,
        (value): value is { createdAt: string; id: string } =>
          typeof value.createdAt === 'string' && typeof value.id === 'string' && !Number.isNaN(Date.parse(value.createdAt)),
      );
      query.andWhere('(account.createdAt, account.id) < (:createdAt, :id)', position);
    }
    return toPage(
      await query.getMany(),
      page.limit,
      (record) => toAccountView(record.toDomain()),
      (record) => ({ createdAt: record.createdAt.toISOString(), id: record.id }),
    );
  }

  /**
   * Bank-wide totals per currency, read in ONE snapshot (REPEATABLE READ): the balances and the
   * ledger sums are then of the same instant, so `balance == deposits - withdrawals` holds in
   * every answer, even while transfers run (a transfer moves money between accounts of one
   * currency and nets to zero).
   */
  async totals(): Promise<{ items: CurrencyTotalsView[] }> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      const balances = (await manager.query(
        `SELECT currency, count(*)::int AS accounts, sum(balance)::text AS balance, sum(held)::text AS held
           FROM accounts GROUP BY currency`,
      )) as { currency: string; accounts: number; balance: string; held: string }[];
      const flows = (await manager.query(
        `SELECT a.currency,
                COALESCE(sum(e.amount) FILTER (WHERE e.type = 'DEPOSIT'), 0)::text AS deposits,
                COALESCE(-sum(e.amount) FILTER (WHERE e.type = 'WITHDRAWAL'), 0)::text AS withdrawals
           FROM ledger_entries e JOIN accounts a ON a.id = e.account_id
          GROUP BY a.currency`,
      )) as { currency: string; deposits: string; withdrawals: string }[];
      const flowsByCurrency = new Map(flows.map((flow) => [flow.currency, flow]));
      return {
        items: balances
          .sort((a, b) => a.currency.localeCompare(b.currency))
          .map((row) => ({
            currency: row.currency,
            accounts: row.accounts,
            balance: Money.of(row.balance).toString(),
            held: Money.of(row.held).toString(),
            deposits: Money.of(flowsByCurrency.get(row.currency)?.deposits ?? '0').toString(),
            withdrawals: Money.of(flowsByCurrency.get(row.currency)?.withdrawals ?? '0').toString(),
          })),
      };
    });
  }

  /**
   * A deposit or withdrawal. Its ledger entry id is derived from the caller's idempotency key:
   * if this ever runs again for the same key (a retry after a crash), it finds its entry and
   * answers as before instead of moving the money twice.
   */
  private async moveCash(
    kind: CashMovement,
    user: AuthenticatedUser,
    accountId: string,
    amount: Money,
    idempotencyKey: string,
  ): Promise<CashMovementView> {
    const entryId = idempotentId(user.id, idempotencyKey, kind);
    const result = await this.writer.change(kind, [accountId], 'pessimistic', async (accounts, manager) => {
      const account = accounts.get(accountId);
      if (!isAdmin(user) && !account.isOwnedBy(user.id)) throw new AccountNotFoundError();
      const earlier = await manager.findOneBy(LedgerEntryRecord, { id: entryId });
      if (earlier) return cashMovementView(earlier);

      if (kind === 'deposit') account.deposit(amount);
      else account.withdraw(amount);
      const signed = kind === 'deposit' ? amount : amount.negated();
      const entry = await appendLedgerEntry(manager, {
        id: entryId,
        account,
        type: kind === 'deposit' ? 'DEPOSIT' : 'WITHDRAWAL',
        amount: signed,
        transferId: null,
      });
      await this.outbox.append(
        manager,
        {
          type: kind === 'deposit' ? 'account.deposited.v1' : 'account.withdrew.v1',
          aggregateId: accountId,
          payload: {
            accountId,
            ownerId: account.ownerId,
            entryId,
            amount: amount.toString(),
            balance: account.balance.toString(),
            currency: account.currency,
          },
        },
        auditEvent({
          actorId: user.id,
          action: kind === 'deposit' ? 'account.deposited' : 'account.withdrew',
          resourceType: 'account',
          resourceId: accountId,
          outcome: 'SUCCESS',
          data: { amount: amount.toString(), currency: account.currency, entryId },
        }),
      );
      return cashMovementView(entry);
    });
    await this.cache.invalidate([accountId]);
    return result;
  }

  private async loadView(id: string): Promise<AccountView | null> {
    const record = await this.dataSource.getRepository(AccountRecord).findOneBy({ id });
    return record ? toAccountView(record.toDomain()) : null;
  }

  private async mustLoadView(id: string): Promise<AccountView> {
    const view = await this.loadView(id);
    if (!view) throw new AccountNotFoundError();
    return view;
  }
}

function cashMovementView(entry: LedgerEntryRecord): CashMovementView {
  return {
    id: entry.id,
    accountId: entry.accountId,
    amount: entry.amount.abs().toString(),
    balance: entry.balanceAfter.toString(),
  };
}
