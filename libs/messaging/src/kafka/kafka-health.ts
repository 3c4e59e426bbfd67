import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { KAFKA_CLIENT } from './tokens.ts';

/**
 * Answers "can this service talk to Kafka right now?" with a real metadata round trip, for the
 * readiness probe. It never retries: a probe must answer within its own timeout.
 */
@Injectable()
export class KafkaHealth implements OnApplicationShutdown {
  private admin: Admin | undefined;
  private readonly kafka: Kafka;

  constructor(@Inject(KAFKA_CLIENT) kafka: Kafka) {
    this.kafka = kafka;
  }

  async ping(timeoutMs: number): Promise<void> {
    const admin = (this.admin ??= this.kafka.admin({ retry: { retries: 0 } }));
    try {
      await withTimeout(
        (async () => {
          await admin.connect();
          await admin.describeCluster();
        })(),
        timeoutMs,
      );
    } catch (error) {
      // A broken connection is not reused: the next probe starts clean.
      this.admin = undefined;
      void admin.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Kafka did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
