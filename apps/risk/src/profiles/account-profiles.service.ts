import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { EventEnvelope } from '@bankshop/contracts';
import { IdempotentConsumer } from '@bankshop/messaging';
import { Money } from '@bankshop/money';
import type { AccountHistory } from '../assessments/domain/risk-rules.ts';
import type { CompletedTransfer } from './completed-transfer.ts';
import { AccountProfile } from './persistence/account-profile.entity.ts';

/** The name under which `processed_events` remembers the events this consumer has applied. */
const CONSUMER = 'risk-profiles';

/** Keeps each account's history of completed transfers, for the rules that compare with it. */
@Injectable()
export class AccountProfilesService {
  constructor(
    private readonly inbox: IdempotentConsumer,
    @InjectRepository(AccountProfile) private readonly profiles: Repository<AccountProfile>,
  ) {}

  /**
   * Adds a completed transfer to its source account's history, once per event however often
   * Kafka delivers it. Returns false for a duplicate.
   */
  recordCompletedTransfer(event: Pick<EventEnvelope, 'eventId'>, transfer: CompletedTransfer): Promise<boolean> {
    return this.inbox.handleOnce(CONSUMER, event, async (manager) => {
      // One atomic statement, not read-modify-write: transfer events are keyed by transfer id, so
      // two transfers of one account can arrive on different partitions and be applied at once.
      await manager.query(
        `INSERT INTO account_profiles (account_id, completed_transfers, total_amount, updated_at)
         VALUES ($1, 1, $2, now())
         ON CONFLICT (account_id) DO UPDATE
            SET completed_transfers = account_profiles.completed_transfers + 1,
                total_amount        = account_profiles.total_amount + EXCLUDED.total_amount,
                updated_at          = now()`,
        [transfer.fromAccountId, transfer.amount.toString()],
      );
    });
  }

  /** The account's completed outgoing transfers; none for an account never seen. */
  async historyOf(accountId: string): Promise<AccountHistory> {
    const profile = await this.profiles.findOneBy({ accountId });
    return {
      completedTransfers: profile?.completedTransfers ?? 0,
      totalAmount: profile?.totalAmount ?? Money.zero(),
    };
  }
}
