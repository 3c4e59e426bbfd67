import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type FactoryProvider,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IdempotentConsumer } from './inbox/idempotent-consumer.ts';
import { createKafkaClient } from './kafka/kafka-client.ts';
import { KafkaHealth } from './kafka/kafka-health.ts';
import { KafkaProducer } from './kafka/kafka-producer.ts';
import { KAFKA_CLIENT } from './kafka/tokens.ts';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options.ts';
import { Outbox } from './outbox/outbox.ts';
import { OutboxRelay } from './outbox/outbox-relay.ts';

export interface MessagingModuleAsyncOptions {
  inject?: FactoryProvider['inject'];
  useFactory: (...args: never[]) => MessagingOptions;
}

/** Starts the relay with the application and stops it before connections close. */
@Injectable()
class OutboxRelayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.relay?.enabled !== false) this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}

/**
 * Kafka for one service: the durable producer, the outbox and its relay, the idempotent consumer
 * and the Kafka readiness check. Needs TypeORM's `DataSource` from the importing application.
 */
@Module({})
export class MessagingModule {
  static forRootAsync(options: MessagingModuleAsyncOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: false,
      providers: [
        { provide: MESSAGING_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        {
          provide: KAFKA_CLIENT,
          inject: [MESSAGING_OPTIONS],
          useFactory: (messaging: MessagingOptions) => createKafkaClient(messaging.brokers, messaging.clientId),
        },
        KafkaProducer,
        KafkaHealth,
        Outbox,
        IdempotentConsumer,
        {
          provide: OutboxRelay,
          inject: [DataSource, KafkaProducer, MESSAGING_OPTIONS],
          useFactory: (dataSource: DataSource, producer: KafkaProducer, messaging: MessagingOptions) =>
            new OutboxRelay(dataSource, producer, messaging.relay),
        },
        OutboxRelayLifecycle,
      ],
      exports: [Outbox, IdempotentConsumer, KafkaHealth, KafkaProducer, OutboxRelay],
    };
  }
}
