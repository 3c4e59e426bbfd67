import type { Topic } from './topics.ts';

/**
 * The envelope every event travels in. `type` is past tense and versioned
 * (`transfer.completed.v1`); a breaking change to a payload gets a new version, never an edit.
 */
export interface EventEnvelope<TType extends string = string, TPayload = unknown> {
  /** Unique per event; consumers deduplicate on it (at-least-once delivery). */
  eventId: string;
  type: TType;
  /** The Kafka message key: all events of one aggregate stay in order on one partition. */
  aggregateId: string;
  occurredAt: string;
  payload: TPayload;
}

/**
 * Where each event type is published. Adding an event means adding it here first, so the
 * producer and every consumer agree on its topic.
 */
export const EVENT_TOPICS = {
  'audit.recorded.v1': 'audit.events',
  'account.opened.v1': 'account.events',
  'account.deposited.v1': 'account.events',
  'account.withdrew.v1': 'account.events',
  'account.frozen.v1': 'account.events',
  'account.unfrozen.v1': 'account.events',
  'account.debited.v1': 'account.events',
  'account.credited.v1': 'account.events',
  'transfer.completed.v1': 'transfer.events',
  'transfer.rejected.v1': 'transfer.events',
  'transfer.failed.v1': 'transfer.events',
  'risk.assessed.v1': 'risk.events',
  'reconciliation.completed.v1': 'transfer.events',
  'inventory.product.created.v1': 'inventory.events',
  'inventory.product.updated.v1': 'inventory.events',
  'inventory.stock.reserved.v1': 'inventory.events',
  'inventory.stock.confirmed.v1': 'inventory.events',
  'inventory.stock.released.v1': 'inventory.events',
  'payment.captured.v1': 'payment.events',
  'payment.failed.v1': 'payment.events',
  'payment.refunded.v1': 'payment.events',
  'order.placed.v1': 'order.events',
  'order.confirmed.v1': 'order.events',
  'order.cancelled.v1': 'order.events',
} as const satisfies Record<string, Topic>;

export type EventType = keyof typeof EVENT_TOPICS;

export function topicOf(type: EventType): Topic {
  return EVENT_TOPICS[type];
}

const ENVELOPE_KEYS = ['eventId', 'type', 'aggregateId', 'occurredAt'] as const;

/**
 * Checks the shape of an envelope read off the wire. Messages are a boundary like HTTP bodies:
 * a malformed one is rejected once, here, instead of failing deep inside a handler.
 */
export function parseEnvelope(value: unknown): EventEnvelope {
  if (typeof value !== 'object' || value === null) {
    throw new InvalidEventError('event is not a JSON object');
  }
  const record = value as Record<string, unknown>;
  for (const key of ENVELOPE_KEYS) {
    if (typeof record[key] !== 'string' || record[key] === '') {
      throw new InvalidEventError(`event field "${key}" must be a non-empty string`);
    }
  }
  if (!('payload' in record)) {
    throw new InvalidEventError('event field "payload" is missing');
  }
  return record as unknown as EventEnvelope;
}

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

/**
 * `audit.recorded.v1` (topic `audit.events`): who did what to which resource, and how it ended.
 * `data` never holds a password, a token or a full account number.
 */
export interface AuditRecordedV1 {
  actorId: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: 'SUCCESS' | 'FAILURE';
  traceId: string | null;
  data: Record<string, unknown>;
}
