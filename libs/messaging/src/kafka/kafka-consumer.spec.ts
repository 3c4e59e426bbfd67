import { Transport } from '@nestjs/microservices';
import { describe, expect, it } from 'vitest';
import { DURABLE_PRODUCER_CONFIG } from './kafka-client.ts';
import { kafkaConsumerOptions } from './kafka-consumer.ts';

describe('Kafka settings', () => {
  it('consumes in the given group from the beginning, without Nest renaming the group', () => {
    const options = kafkaConsumerOptions({ brokers: ['b:9092'], clientId: 'order', groupId: 'order' });
    expect(options.transport).toBe(Transport.KAFKA);
    expect(options.options?.consumer?.groupId).toBe('order');
    expect(options.options?.postfixId).toBe('');
    expect(options.options?.subscribe?.fromBeginning).toBe(true);
    expect(options.options?.consumer?.allowAutoTopicCreation).toBe(false);
  });

  it('makes the producer idempotent with one request in flight', () => {
    expect(DURABLE_PRODUCER_CONFIG).toEqual({ idempotent: true, maxInFlightRequests: 1 });
  });
});
