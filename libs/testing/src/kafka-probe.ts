import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { createKafkaClient } from '@bankshop/messaging';
import { localInfra } from './local-infra.ts';

export interface ProbedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
  value: unknown;
  headers: Record<string, string>;
}

/**
 * Reads topics from the beginning in a consumer group of its own, keeping every message, so a
 * test can assert on exactly what was published (including duplicates).
 */
export class KafkaProbe {
  readonly messages: ProbedMessage[] = [];
  private consumer: Consumer | undefined;

  async start(topics: string[]): Promise<this> {
    const kafka = createKafkaClient(localInfra.kafkaBrokers, 'kafka-probe');
    const consumer = kafka.consumer({ groupId: `probe-${randomUUID()}` });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const raw = message.value?.toString('utf8') ?? '';
        let value: unknown = raw;
        try {
          value = JSON.parse(raw);
        } catch {
          // not JSON: keep the text
        }
        this.messages.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8'),
          value,
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, header]) => [name, String(header)])),
        });
      },
    });
    await joined;
    return this;
  }

  /** Messages whose key (the aggregate id) is `key`. */
  withKey(key: string): ProbedMessage[] {
    return this.messages.filter((message) => message.key === key);
  }

  async waitFor(predicate: (messages: ProbedMessage[]) => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.messages)) {
      if (Date.now() > deadline) {
        throw new Error(`Kafka probe timed out after ${timeoutMs} ms with ${this.messages.length} message(s)`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
