/**
 * Kafka topics, one per publishing service (see ARCHITECTURE.md "Map"). Every topic is keyed by
 * aggregate id so that all events of one aggregate land on one partition, in order.
 *
 * This file has no imports on purpose: the native infrastructure scripts read it directly to
 * create the topics, so the list exists exactly once.
 */
export const TOPICS = [
  'audit.events',
  'account.events',
  'transfer.events',
  'risk.events',
  'order.events',
  'inventory.events',
  'payment.events',
] as const;

export type Topic = (typeof TOPICS)[number];

/** Partitions per topic: enough to show keyed ordering and parallel consumers on one broker. */
export const TOPIC_PARTITIONS = 3;
