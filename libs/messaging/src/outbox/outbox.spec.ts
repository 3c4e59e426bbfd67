import { context, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { EntityManager } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox, OUTBOX_CHANNEL } from './outbox.ts';

interface RecordedQuery {
  sql: string;
  parameters: unknown[];
}

/** An EntityManager double that records SQL; `inTransaction` says whether a transaction is open. */
function recordingManager(inTransaction: boolean): { manager: EntityManager; queries: RecordedQuery[] } {
  const queries: RecordedQuery[] = [];
  const manager = {
    queryRunner: inTransaction ? { isTransactionActive: true } : undefined,
    query: async (sql: string, parameters: unknown[] = []) => {
      queries.push({ sql, parameters });
      return [];
    },
  } as unknown as EntityManager;
  return { manager, queries };
}

describe('Outbox.append', () => {
  const outbox = new Outbox();

  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(() => {
    propagation.disable();
    context.disable();
  });

  it('refuses to write outside a transaction', async () => {
    const { manager, queries } = recordingManager(false);
    await expect(
      outbox.append(manager, { type: 'audit.recorded.v1', aggregateId: 'a-1', payload: {} }),
    ).rejects.toThrow(/open transaction/);
    expect(queries).toEqual([]);
  });

  it('inserts each event with its topic and key, then notifies the relay once', async () => {
    const { manager, queries } = recordingManager(true);
    const envelopes = await outbox.append(
      manager,
      { type: 'audit.recorded.v1', aggregateId: 'a-1', payload: { n: 1 } },
      { type: 'audit.recorded.v1', aggregateId: 'a-2', payload: { n: 2 } },
    );

    expect(envelopes.map((envelope) => envelope.aggregateId)).toEqual(['a-1', 'a-2']);
    expect(new Set(envelopes.map((envelope) => envelope.eventId)).size).toBe(2);
    const inserts = queries.filter((query) => query.sql.includes('INSERT INTO outbox'));
    expect(inserts.map((query) => query.parameters.slice(1, 4))).toEqual([
      ['audit.recorded.v1', 'audit.events', 'a-1'],
      ['audit.recorded.v1', 'audit.events', 'a-2'],
    ]);
    expect(queries.at(-1)).toEqual({ sql: 'SELECT pg_notify($1, \'\')', parameters: [OUTBOX_CHANNEL] });
  });

  it('saves the trace context of the request with the row', async () => {
    const { manager, queries } = recordingManager(true);
    const spanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    };
    await context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext), () =>
      outbox.append(manager, { type: 'audit.recorded.v1', aggregateId: 'a-1', payload: {} }),
    );

    const saved = JSON.parse(String(queries[0]?.parameters[5])) as Record<string, string>;
    expect(saved.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  });
});
