import { Logger } from '@nestjs/common';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@bankshop/contracts';
import type { AccountProfilesService } from './account-profiles.service.ts';
import type { CompletedTransfer } from './completed-transfer.ts';
import { TransferEventsListener } from './transfer-events.listener.ts';

function listenerWithFakeProfiles() {
  const recorded: { eventId: string; transfer: CompletedTransfer }[] = [];
  const profiles = {
    recordCompletedTransfer: async (event: Pick<EventEnvelope, 'eventId'>, transfer: CompletedTransfer) => {
      recorded.push({ eventId: event.eventId, transfer });
      return true;
    },
  };
  return { listener: new TransferEventsListener(profiles as unknown as AccountProfilesService), recorded };
}

function transferEvent(type: string, payload: unknown) {
  return {
    eventId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    type,
    aggregateId: '3f2b8c1e-6d4a-4b9e-8f1c-2a3b4c5d6e7f',
    occurredAt: '2025-06-01T12:00:00.000Z',
    payload,
  };
}

const completed = {
  transferId: '3f2b8c1e-6d4a-4b9e-8f1c-2a3b4c5d6e7f',
  fromAccountId: '6F1C2A9E-1B7D-4C1E-9F0A-0A1B2C3D4E5F',
  toAccountId: '0c9d8e7f-6a5b-4c3d-8e1f-2a3b4c5d6e7f',
  amount: '12.50',
  currency: 'EUR',
  lockMode: 'pessimistic',
  initiatedBy: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
};

beforeAll(() => {
  // Malformed events are logged on purpose; keep them out of the test output.
  Logger.overrideLogger(false);
});

describe('TransferEventsListener', () => {
  it('records a completed transfer against its source account (id lower-cased) and exact amount', async () => {
    const { listener, recorded } = listenerWithFakeProfiles();

    await listener.onTransferEvent(transferEvent('transfer.completed.v1', completed));

    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.eventId).toBe('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d');
    expect(recorded[0]?.transfer.fromAccountId).toBe('6f1c2a9e-1b7d-4c1e-9f0a-0a1b2c3d4e5f');
    expect(recorded[0]?.transfer.amount.toString()).toBe('12.50');
  });

  it.each(['transfer.rejected.v1', 'transfer.failed.v1'])('ignores %s: no money moved', async (type) => {
    const { listener, recorded } = listenerWithFakeProfiles();

    await listener.onTransferEvent(transferEvent(type, completed));

    expect(recorded).toEqual([]);
  });

  it.each([
    { what: 'an envelope without an eventId', message: { ...transferEvent('transfer.completed.v1', completed), eventId: undefined } },
    { what: 'a payload that is not an object', message: transferEvent('transfer.completed.v1', 'oops') },
    { what: 'a malformed fromAccountId', message: transferEvent('transfer.completed.v1', { ...completed, fromAccountId: 'acc-1' }) },
    { what: 'an amount as a JSON number', message: transferEvent('transfer.completed.v1', { ...completed, amount: 12.5 }) },
    { what: 'an amount with three decimals', message: transferEvent('transfer.completed.v1', { ...completed, amount: '1.005' }) },
  ])('skips $what instead of throwing, so the partition is not stalled', async ({ message }) => {
    const { listener, recorded } = listenerWithFakeProfiles();

    await expect(listener.onTransferEvent(message)).resolves.toBeUndefined();

    expect(recorded).toEqual([]);
  });

  it('lets a failure to record propagate, so Kafka delivers the event again', async () => {
    const profiles = { recordCompletedTransfer: () => Promise.reject(new Error('database unavailable')) };
    const listener = new TransferEventsListener(profiles as unknown as AccountProfilesService);

    await expect(listener.onTransferEvent(transferEvent('transfer.completed.v1', completed))).rejects.toThrow('database unavailable');
  });
});
