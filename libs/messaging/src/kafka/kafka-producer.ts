import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Partitioners, type Kafka, type Message, type Producer, type RecordMetadata } from 'kafkajs';
import { ACKS_ALL, DURABLE_PRODUCER_CONFIG } from './kafka-client.ts';
import { KAFKA_CLIENT } from './tokens.ts';

/**
 * The one durable producer of a service. Only the outbox relay sends through it: state changes
 * never publish directly, so a crash can never leave an event without its change or the reverse.
 */
@Injectable()
export class KafkaProducer implements OnApplicationShutdown {
  private readonly producer: Producer;
  private connecting: Promise<void> | undefined;

  constructor(@Inject(KAFKA_CLIENT) kafka: Kafka) {
    this.producer = kafka.producer({
      ...DURABLE_PRODUCER_CONFIG,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connecting = undefined;
    });
  }

  /** Sends one message and resolves once every in-sync replica has it. */
  async send(topic: string, message: Message): Promise<RecordMetadata[]> {
    await this.connect();
    return this.producer.send({ topic, acks: ACKS_ALL, messages: [message] });
  }

  private connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
  }
}
