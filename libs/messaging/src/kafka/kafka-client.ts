import { Kafka, logLevel, type LogEntry, type logCreator } from 'kafkajs';
import { createLogger } from '@bankshop/telemetry';
// Before any client exists: kafkajs must not spin on a 1 ms timer per idle connection.
import './request-queue-fix.ts';

/**
 * kafkajs logs through our JSON logger; its INFO chatter (every join and rebalance) is dropped.
 * kafkajs is unmaintained but is what Nest's Kafka transport uses, so it stays behind this library.
 */
export const kafkaLogCreator: logCreator = () => {
  const logger = createLogger('kafkajs');
  return ({ level, log }: LogEntry) => {
    const { message, ...extra } = log;
    // Bounded producer retries are deliberate: a send must fail back to the relay, which retries
    // the whole batch; consumers deduplicate, so we never rely on Kafka's exactly-once.
    if (message.startsWith('Limiting retries for the idempotent producer')) return;
    if (level === logLevel.ERROR) logger.error(extra, message);
    else if (level === logLevel.WARN) logger.warn(extra, message);
  };
};

export function createKafkaClient(brokers: string[], clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator,
    // Fail fast and let our own loops retry: a service must not hang for minutes at start-up or
    // shutdown because the broker is away.
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5_000 },
  });
}

/** Kafka's own defaults are the durable ones we want; this names them in one place. */
export const DURABLE_PRODUCER_CONFIG = {
  // The broker deduplicates retried batches, so a retry after a lost ack never writes twice.
  idempotent: true,
  // Required by kafkajs for idempotence; it also keeps messages of one partition in order.
  maxInFlightRequests: 1,
} as const;

/** Wait for every in-sync replica (all = -1) before a send counts as done. */
export const ACKS_ALL = -1;
