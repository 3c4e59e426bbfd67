import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InvalidEventError, parseEnvelope, topicOf, type EventEnvelope } from '@bankshop/contracts';
import { AccountProfilesService } from './account-profiles.service.ts';
import { parseCompletedTransfer, type CompletedTransfer } from './completed-transfer.ts';

/** Consumes `transfer.events` (consumer group `risk`) into the account profiles. */
@Controller()
export class TransferEventsListener {
  private readonly logger = new Logger(TransferEventsListener.name);

  constructor(private readonly profiles: AccountProfilesService) {}

  @EventPattern(topicOf('transfer.completed.v1'))
  async onTransferEvent(@Payload() message: unknown): Promise<void> {
    let event: EventEnvelope;
    let transfer: CompletedTransfer;
    try {
      event = parseEnvelope(message);
      // Rejected and failed transfers moved no money, so they are not part of anyone's habits.
      if (event.type !== 'transfer.completed.v1') return;
      transfer = parseCompletedTransfer(event.payload);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      // A malformed event never becomes valid. Throwing would have Kafka redeliver it forever and
      // stall every event behind it on its partition, so it is logged for a person and skipped.
      this.logger.error({ err: error }, 'skipped a malformed transfer event');
      return;
    }
    await this.profiles.recordCompletedTransfer(event, transfer);
  }
}
