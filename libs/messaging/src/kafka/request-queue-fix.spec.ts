import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKafkaClient } from './kafka-client.ts';
import { KAFKAJS_IDLE_LOOP_FIXED } from './request-queue-fix.ts';

interface Queue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests(): void;
}

const RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as new (options: object) => Queue;
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** kafkajs' own request queue, as each broker connection has one. */
function queue(): Queue {
  return new RequestQueue({ maxInFlightRequests: 1, requestTimeout: 1_000, clientId: 'spec', broker: 'spec:9092', logger: silent });
}

describe('kafkajs request queue with the idle-loop fix', () => {
  const made: Queue[] = [];
  afterEach(() => {
    for (const each of made.splice(0)) if (each.throttleCheckTimeoutId) clearTimeout(each.throttleCheckTimeoutId);
  });

  it('is applied on import', () => {
    expect(KAFKAJS_IDLE_LOOP_FIXED).toBe(true);
  });

  it('schedules nothing when nothing is pending and nothing throttled (kafkajs would re-arm a 1 ms timer forever)', () => {
    const idle = queue();
    made.push(idle);

    idle.scheduleCheckPendingRequests();

    expect(idle.throttleCheckTimeoutId).toBeNull();
  });

  it('still schedules a check for a pending request', () => {
    const busy = queue();
    made.push(busy);
    busy.pending.push({});

    busy.scheduleCheckPendingRequests();

    expect(busy.throttleCheckTimeoutId).not.toBeNull();
  });

  it('still schedules a check for the end of a throttle', () => {
    const throttled = queue();
    made.push(throttled);
    throttled.throttledUntil = Date.now() + 60_000;

    throttled.scheduleCheckPendingRequests();

    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
  });

  // The services run without --disable-warning=TimeoutNegativeWarning: this is why they may.
  it('lets connected clients idle on a real broker without negative timers (kafkajs would arm ~1 000 a second each)', async () => {
    const kafka = createKafkaClient((process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), `spec-idle-${randomUUID()}`);
    const producer = kafka.producer();
    const admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    await admin.listTopics();
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      await sleep(2_000);
      const delays = timers.mock.calls.map(([, delay]) => Number(delay ?? 0));
      expect(delays.filter((delay) => delay < 0)).toEqual([]);
      expect(delays.length).toBeLessThan(100);
    } finally {
      timers.mockRestore();
      await Promise.all([producer.disconnect(), admin.disconnect()]);
    }
  });
});
