import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
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
});
