import { Transport, type KafkaOptions } from '@nestjs/microservices';
import { kafkaLogCreator } from './kafka-client.ts';

export interface KafkaConsumerSettings {
  brokers: string[];
  clientId: string;
  /** One group per consuming service: each service gets every event once. */
  groupId: string;
}

/**
 * Options for `app.connectMicroservice(...)`: Nest's Kafka transport, whose `@EventPattern(topic)`
 * handlers receive the parsed event envelope. A handler that throws leaves the offset
 * uncommitted, so kafkajs redelivers the message; handlers are therefore idempotent.
 */
export function kafkaConsumerOptions(settings: KafkaConsumerSettings): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      client: {
        clientId: settings.clientId,
        brokers: settings.brokers,
        logCreator: kafkaLogCreator,
        connectionTimeout: 3_000,
        retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 5_000 },
      },
      consumer: {
        groupId: settings.groupId,
        allowAutoTopicCreation: false,
      },
      // A new consumer group starts at the beginning, so events published before a service
      // first started are not skipped.
      subscribe: { fromBeginning: true },
      run: { partitionsConsumedConcurrently: 3 },
      // Keep our group and client ids exactly as given (Nest appends "-server" by default).
      postfixId: '',
    },
  };
}
