/** How a service connects to Kafka and runs its outbox relay. */
export interface MessagingOptions {
  brokers: string[];
  /** The Kafka client id, normally the service name. */
  clientId: string;
  relay?: OutboxRelayOptions;
}

export interface OutboxRelayOptions {
  /** Off in processes that only write events (a migration job, a one-off script). */
  enabled?: boolean;
  /** Rows published per database transaction. */
  batchSize?: number;
  /**
   * How long the relay sleeps when there is nothing to publish. Commits wake it at once through
   * NOTIFY, so this only bounds the delay when a notification is missed.
   */
  pollIntervalMs?: number;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
