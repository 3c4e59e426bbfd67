export { MessagingModule, type MessagingModuleAsyncOptions } from './messaging.module.ts';
export type { MessagingOptions, OutboxRelayOptions } from './messaging.options.ts';
export { Outbox, OUTBOX_CHANNEL, type NewEvent } from './outbox/outbox.ts';
export {
  OutboxRelay,
  type EventPublisher,
  type OutboxRelayHooks,
  type OutboxRow,
} from './outbox/outbox-relay.ts';
export { IdempotentConsumer } from './inbox/idempotent-consumer.ts';
export { auditEvent, type AuditRecord } from './audit/audit-event.ts';
export { MessagingTables1763942400000 } from './messaging-tables.migration.ts';
export { KafkaProducer } from './kafka/kafka-producer.ts';
export { KafkaHealth } from './kafka/kafka-health.ts';
export { createKafkaClient, ACKS_ALL, DURABLE_PRODUCER_CONFIG } from './kafka/kafka-client.ts';
export { kafkaConsumerOptions, type KafkaConsumerSettings } from './kafka/kafka-consumer.ts';
