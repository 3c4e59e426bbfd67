import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SPAN_KIND, type OtlpReceiver, type ReceivedSpan } from '@bankshop/testing';

/** What one transfer costs a service, in requests to other processes. */
export interface Counts {
  /** HTTP requests it served. */
  http: number;
  /** SQL statements it sent (BEGIN and COMMIT included). */
  sql: number;
  redis: number;
  /** Kafka messages it published and consumed. */
  produced: number;
  consumed: number;
}

export const COUNTED: (keyof Counts)[] = ['http', 'sql', 'redis', 'produced', 'consumed'];

/**
 * Round trips per transfer, counted from the spans of a few traced transfers: PostgreSQL cannot
 * count statements for us here (pg_stat_statements needs a superuser to install), but every
 * statement, Redis command, HTTP request and Kafka message of a traced request is a span.
 *
 * The services run with a parent-based sampler that records nothing by itself, so the measured
 * transfers cost no tracing at all; these few carry a sampled `traceparent`, and everything they
 * cause is recorded, down to the consumers of their events. The outbox relays claim and mark
 * events in batches in traces of their own; their statements are not in these counts.
 */
export async function countRoundTrips(
  receiver: OtlpReceiver,
  send: (traceparent: string) => Promise<string>,
  transfers = 5,
): Promise<Map<string, Counts>> {
  const traceIds: string[] = [];
  for (let index = 0; index < transfers; index += 1) {
    const traceId = randomBytes(16).toString('hex');
    const answer = await send(`00-${traceId}-${randomBytes(8).toString('hex')}-01`);
    if (answer === 'ok') traceIds.push(traceId);
  }
  if (traceIds.length === 0) throw new Error('no traced transfer completed; cannot count round trips');

  // Events are published and consumed after the answer: wait until the traces stop growing.
  let seen = -1;
  for (let waited = 0; waited < 20_000; waited += 2_000) {
    await sleep(2_000);
    const now = traceIds.reduce((sum, traceId) => sum + receiver.trace(traceId).length, 0);
    if (now === seen) break;
    seen = now;
  }

  const perTrace = traceIds.map((traceId) => countsByService(receiver.trace(traceId)));
  const services = [...new Set(perTrace.flatMap((counts) => [...counts.keys()]))].sort();
  return new Map(
    services.map((service) => [
      service,
      Object.fromEntries(COUNTED.map((field) => [field, median(perTrace.map((counts) => counts.get(service)?.[field] ?? 0))])) as unknown as Counts,
    ]),
  );
}

function countsByService(spans: ReceivedSpan[]): Map<string, Counts> {
  const counts = new Map<string, Counts>();
  for (const span of spans) {
    let entry = counts.get(span.service);
    if (!entry) counts.set(span.service, (entry = { http: 0, sql: 0, redis: 0, produced: 0, consumed: 0 }));
    if (span.kind === SPAN_KIND.server && (span.attributes['http.request.method'] ?? span.attributes['http.method'])) entry.http += 1;
    else if (span.name.startsWith('pg.query')) entry.sql += 1;
    else if (span.attributes['db.system'] === 'redis' || span.attributes['db.system.name'] === 'redis') entry.redis += 1;
    else if (span.kind === SPAN_KIND.producer) entry.produced += 1;
    else if (span.kind === SPAN_KIND.consumer) entry.consumed += 1;
  }
  return counts;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
