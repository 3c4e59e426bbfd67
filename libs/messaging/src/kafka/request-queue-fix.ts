import { createRequire } from 'node:module';

/** The part of kafkajs' (internal, CommonJS) request queue that the fix touches. */
interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests(): void;
}

/**
 * Stops kafkajs from spinning on a 1 ms timer per broker connection while it has nothing to do.
 *
 * kafkajs 2.2.4 reschedules its pending-request check after every check. With nothing pending and
 * no throttling, the delay it computes is `-1 - Date.now()`, which Node runs after 1 ms: each
 * connection of each producer, consumer and admin client wakes up a thousand times a second,
 * forever (kafkajs issues #1556, #1704; on Node 24 it also prints TimeoutNegativeWarning, #1751).
 * In our services that loop was the largest single consumer of CPU at rest and a fifth of it
 * under load. kafkajs is unmaintained, so the check is skipped here when there is nothing to
 * check: a request that cannot be sent at once is queued by `push`, which schedules the check
 * again, and every answer or timeout checks the queue itself. Throttled queues keep the original.
 *
 * Applied once, on import, before any client of ours exists; the instrumentation wraps kafkajs'
 * public classes only, so it is not affected.
 */
const require = createRequire(import.meta.url);
const RequestQueueClass = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueue & { __bankshopIdleFix?: true } };
const prototype = RequestQueueClass.prototype;

if (!prototype.__bankshopIdleFix) {
  const original = prototype.scheduleCheckPendingRequests;
  prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueue): void {
    if (this.pending.length === 0 && !(this.throttledUntil > Date.now())) return;
    original.call(this);
  };
  prototype.__bankshopIdleFix = true;
}

/** Whether the fix is in place (for the test that proves it). */
export const KAFKAJS_IDLE_LOOP_FIXED = prototype.__bankshopIdleFix === true;
