import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UpstreamTimeoutError, UpstreamUnavailableError, type AccountFacts } from '@bankshop/contracts';
import { isAdmin, type AuthenticatedUser } from '@bankshop/auth';
import { auditEvent, Outbox } from '@bankshop/messaging';
import { Money } from '@bankshop/money';
import { idempotentId } from '@bankshop/platform';
import { meter, withSpan } from '@bankshop/telemetry';
import { TransactionConfig } from '../../../config/transaction.config.ts';
import { AccountClient } from '../../../upstream/account.client.ts';
import { RiskClient } from '../../../upstream/risk.client.ts';
import { UpstreamRefusal } from '@bankshop/resilience';
import { Transfer } from '../../domain/transfer.ts';
import { isRefusalCode, RiskRejectedError, TransferRefusedError } from '../../domain/transfer-errors.ts';
import type { CreateTransferDto } from '../../dto/create-transfer.dto.ts';
import type { InternalTransferDto } from '../../dto/internal-transfer.dto.ts';
import { toTransferView, type TransferView } from '../../dto/transfer.view.ts';
import { TransferOwnershipLost, TransferStore } from '../../persistence/transfer.store.ts';

/** What a transfer is asked to do: by a customer, or by a service for one (with the currency it priced in). */
type TransferCommand = CreateTransferDto | Omit<InternalTransferDto, 'initiatedBy'>;

const outcomes = meter().createCounter('bankshop.transfers', {
  description: 'Transfers that reached a terminal state, by outcome and lock mode',
});

/**
 * Coordinates a transfer across the risk and account services (ARCHITECTURE.md "Banking: a
 * transfer"): risk check, prepare (hold), decide, commit (capture), each step persisted before the
 * next call, so that a crash anywhere is finished by the recovery sweeper (`recover`), forward or
 * back, from the persisted step alone.
 */
@Injectable()
export class TransferCoordinator {
  private readonly logger = new Logger(TransferCoordinator.name);

  constructor(
    private readonly store: TransferStore,
    private readonly accounts: AccountClient,
    private readonly risk: RiskClient,
    private readonly outbox: Outbox,
    private readonly config: TransactionConfig,
  ) {}

  /**
   * `POST /api/transfers`. The transfer's id is derived from the caller's idempotency key, so a
   * request that runs again for the same key (after a crash) finds its transfer instead of
   * starting a second one.
   */
  async execute(user: AuthenticatedUser, command: TransferCommand, idempotencyKey: string): Promise<TransferView> {
    const id = idempotentId(user.id, idempotencyKey, 'transfer');
    const earlier = await this.store.find(id);
    if (earlier) return this.answer(earlier.isTerminal ? earlier : await this.recover(id));

    const { transfer, accounts } = await this.start(id, user, command);
    return this.answer(await this.drive(transfer, accounts));
  }

  /** Finishes a transfer nobody is driving any more; a no-op if someone still is. */
  async recover(id: string): Promise<Transfer> {
    const transfer = await this.store.claim(id);
    if (!transfer) return (await this.store.find(id))!;
    this.logger.warn({ transferId: id, step: transfer.step }, 'recovering an abandoned transfer');
    return this.ignoringLostOwnership(transfer, async () =>
      transfer.step === 'COMMITTING' ? this.commit(transfer) : this.rollBack(transfer, 'ABANDONED'),
    );
  }

  /** The checks that need no transfer record: bad requests are refused before anything is written. */
  private async start(
    id: string,
    user: AuthenticatedUser,
    command: TransferCommand,
  ): Promise<{ transfer: Transfer; accounts: Parties }> {
    if (command.fromAccountId === command.toAccountId) throw new TransferRefusedError('SAME_ACCOUNT');
    const [from, to] = await Promise.all([this.accounts.facts(command.fromAccountId), this.accounts.facts(command.toAccountId)]);
    // Someone else's source account answers exactly like a missing one: ids reveal nothing.
    if (!from || !to || (!isAdmin(user) && from.ownerId !== user.id)) throw new TransferRefusedError('ACCOUNT_NOT_FOUND');
    if (from.currency !== to.currency || ('currency' in command && command.currency !== from.currency)) {
      throw new TransferRefusedError('CURRENCY_MISMATCH');
    }
    if (from.status !== 'ACTIVE' || to.status !== 'ACTIVE') throw new TransferRefusedError('ACCOUNT_FROZEN');

    const transfer = Transfer.start({
      id,
      initiatedBy: user.id,
      fromAccountId: from.id,
      toAccountId: to.id,
      fromOwnerId: from.ownerId,
      toOwnerId: to.ownerId,
      amount: Money.parse(command.amount),
      currency: from.currency,
      description: ('description' in command ? command.description : undefined) ?? null,
      lockMode: ('lockMode' in command ? command.lockMode : undefined) ?? 'pessimistic',
      createdAt: new Date(),
    });
    await this.store.insert(transfer);
    return { transfer, accounts: { from, to } };
  }

  private drive(transfer: Transfer, accounts: Parties): Promise<Transfer> {
    return this.ignoringLostOwnership(transfer, async () => {
      let current = await this.assessRisk(transfer, accounts);
      if (current.step === 'RISK_APPROVED') current = await this.prepare(current);
      if (current.step === 'PREPARED') current = await this.decideToCommit(current);
      if (current.step === 'COMMITTING') current = await this.commit(current);
      return current;
    });
  }

  private assessRisk(transfer: Transfer, { from, to }: Parties): Promise<Transfer> {
    const state = transfer.snapshot();
    return withSpan('transfer.risk', async (span) => {
      let result;
      try {
        result = await this.risk.assess({
          transferId: state.id,
          fromAccount: { id: from.id, status: from.status, createdAt: from.createdAt },
          toAccount: { id: to.id, status: to.status },
          amount: state.amount.toString(),
          currency: state.currency,
        });
      } catch (error) {
        // Fail closed: without a risk answer, no money moves.
        if (!isOutage(error) && !(error instanceof UpstreamRefusal)) throw error;
        transfer.fail('UPSTREAM_UNAVAILABLE');
        return this.finish(transfer);
      }
      span.setAttributes({ 'risk.decision': result.decision, 'risk.score': result.score });
      const risk = { decision: result.decision, score: result.score, reasons: result.reasons };
      if (result.decision === 'REJECT') {
        transfer.rejectByRisk(risk);
        return this.finish(transfer);
      }
      transfer.approveRisk(risk);
      return this.store.save(transfer);
    });
  }

  /** Prepare: reserve the funds. A refusal ends the transfer; an outage leaves it to recovery. */
  private prepare(transfer: Transfer): Promise<Transfer> {
    const state = transfer.snapshot();
    return withSpan('transfer.prepare', async () => {
      try {
        const hold = await this.accounts.placeHold({
          transferId: state.id,
          fromAccountId: state.fromAccountId,
          toAccountId: state.toAccountId,
          amount: state.amount.toString(),
          lockMode: state.lockMode,
        });
        transfer.prepared(hold.id);
        return this.store.save(transfer);
      } catch (error) {
        if (isOutage(error)) return transfer;
        if (!(error instanceof UpstreamRefusal)) throw error;
        if (isRefusalCode(error.code)) transfer.reject(error.code);
        else transfer.fail(error.code);
        return this.finish(transfer);
      }
    });
  }

  /** The point of no return, persisted before the commit call: recovery now rolls forward. */
  private async decideToCommit(transfer: Transfer): Promise<Transfer> {
    if (this.config.FAULT_PAUSE_BEFORE_COMMIT_MS > 0) await sleep(this.config.FAULT_PAUSE_BEFORE_COMMIT_MS);
    transfer.decideToCommit();
    return this.store.save(transfer);
  }

  /**
   * Commit: capture the hold. Captures are idempotent, so recovery may repeat this any number of
   * times. If the account service refuses (the hold expired, an account was frozen meanwhile),
   * the hold is voided first and only then is the transfer ended: it never ends while funds are
   * still reserved for it.
   */
  private commit(transfer: Transfer): Promise<Transfer> {
    const state = transfer.snapshot();
    return withSpan('transfer.commit', async () => {
      try {
        await this.accounts.capture(state.holdId!, state.lockMode);
        transfer.complete(new Date());
        return this.finish(transfer);
      } catch (error) {
        if (isOutage(error) || (error instanceof UpstreamRefusal && error.code === 'CONCURRENT_UPDATE')) return transfer;
        if (!(error instanceof UpstreamRefusal)) throw error;
        if (error.code === 'HOLD_NOT_OPEN') transfer.fail('HOLD_EXPIRED');
        else {
          await this.accounts.void(state.holdId!);
          if (isRefusalCode(error.code)) transfer.reject(error.code);
          else transfer.fail(error.code);
        }
        return this.finish(transfer);
      }
    });
  }

  /** Recovery before the decision to commit: release whatever was held, then fail. */
  private async rollBack(transfer: Transfer, code: string): Promise<Transfer> {
    if (transfer.mayHoldFunds) {
      const hold = await this.accounts.holdOfTransfer(transfer.id);
      if (hold?.status === 'OPEN') await this.accounts.void(hold.id);
    }
    transfer.fail(code);
    return this.finish(transfer);
  }

  /** Persists a terminal state together with its event and its audit record, in one transaction. */
  private async finish(transfer: Transfer): Promise<Transfer> {
    const state = transfer.snapshot();
    const outcome = state.status.toLowerCase() as 'completed' | 'rejected' | 'failed';
    const saved = await this.store.save(transfer, async (manager: EntityManager) => {
      await this.outbox.append(
        manager,
        {
          type: `transfer.${outcome}.v1`,
          aggregateId: state.id,
          payload: {
            transferId: state.id,
            fromAccountId: state.fromAccountId,
            toAccountId: state.toAccountId,
            amount: state.amount.toString(),
            currency: state.currency,
            lockMode: state.lockMode,
            initiatedBy: state.initiatedBy,
            ...(state.failureCode ? { failureCode: state.failureCode } : {}),
          },
        },
        auditEvent({
          actorId: state.initiatedBy,
          action: `transfer.${outcome}`,
          resourceType: 'transfer',
          resourceId: state.id,
          outcome: outcome === 'completed' ? 'SUCCESS' : 'FAILURE',
          data: {
            fromAccountId: state.fromAccountId,
            toAccountId: state.toAccountId,
            amount: state.amount.toString(),
            currency: state.currency,
            ...(state.failureCode ? { failureCode: state.failureCode } : {}),
          },
        }),
      );
    });
    outcomes.add(1, { outcome, lock_mode: state.lockMode });
    return saved;
  }

  /** If another owner took the transfer over meanwhile, report its current state instead. */
  private async ignoringLostOwnership(transfer: Transfer, work: () => Promise<Transfer>): Promise<Transfer> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof TransferOwnershipLost)) throw error;
      return (await this.store.find(transfer.id))!;
    }
  }

  /** The HTTP answer for a transfer's state: 201 when completed, its failure otherwise. */
  private answer(transfer: Transfer): TransferView {
    const state = transfer.snapshot();
    const extensions = { transferId: state.id, transferStatus: state.status };
    switch (state.status) {
      case 'COMPLETED':
        return toTransferView(transfer);
      case 'REJECTED':
        if (state.failureCode === 'RISK_REJECTED') throw new RiskRejectedError(state.id, state.risk?.reasons ?? []);
        if (state.failureCode && isRefusalCode(state.failureCode)) throw new TransferRefusedError(state.failureCode, extensions);
        throw new UpstreamUnavailableError('account', 1, { ...extensions, failureCode: state.failureCode });
      default:
        // FAILED, or still PENDING after an outage: recovery will finish it; the client can poll it.
        throw new UpstreamUnavailableError('banking', 1, { ...extensions, failureCode: state.failureCode ?? undefined });
    }
  }
}

/** The two accounts of a transfer as the account service described them when it started. */
interface Parties {
  from: AccountFacts;
  to: AccountFacts;
}

function isOutage(error: unknown): boolean {
  return error instanceof UpstreamUnavailableError || error instanceof UpstreamTimeoutError;
}
