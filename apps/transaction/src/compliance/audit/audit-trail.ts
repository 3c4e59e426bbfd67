import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditRecordedV1, EventEnvelope } from '@bankshop/contracts';
import { decodeCursor, toPage, type Page } from '@bankshop/platform';
import { meter } from '@bankshop/telemetry';
import type { AuditQuery } from './audit.query.ts';

/** `AuditEvent` of API.md. */
export interface AuditEventView {
  id: string;
  seq: number;
  occurredAt: string;
  actorId: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: 'SUCCESS' | 'FAILURE';
  traceId: string | null;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface ChainVerification {
  valid: boolean;
  checked: number;
  firstInvalidSeq?: number;
}

interface AuditRow {
  seq: string;
  id: string;
  occurred_at: Date;
  actor_id: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  outcome: 'SUCCESS' | 'FAILURE';
  trace_id: string | null;
  data: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

const appended = meter().createCounter('bankshop.audit.appended', { description: 'Audit records appended to the trail' });

/** The recomputation of a stored record's hash: `audit_hash(prev_hash, audit_canonical(...))`. */
const RECOMPUTED_HASH = `audit_hash(prev_hash, audit_canonical(seq, id, occurred_at, actor_id, action, resource_type,
  resource_id, outcome, trace_id, data))`;

const VERIFY_PAGE = 5_000;

/**
 * The audit trail: every audit record of every service, in one append-only, hash-chained table.
 *
 * Each record gets the next `seq` and `hash = sha256(prevHash + canonical(record))`, computed by
 * the database functions of the schema migration, while the chain's head row is locked: records
 * are chained strictly one after the other, whatever the number of consumers. Editing or removing
 * any record changes a hash that the next record (or the head) no longer matches.
 */
@Injectable()
export class AuditTrail {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends one record, in the caller's transaction (the idempotent consumer's). */
  async append(manager: EntityManager, event: EventEnvelope<string, AuditRecordedV1>): Promise<void> {
    const record = event.payload;
    const [row] = (await manager.query(
      `WITH head AS (SELECT seq, hash FROM audit_chain_head FOR UPDATE),
            next AS (
              SELECT head.seq + 1 AS seq, $1::uuid AS id, $2::timestamptz(3) AS occurred_at, $3::text AS actor_id,
                     $4::text AS action, $5::text AS resource_type, $6::text AS resource_id, $7::text AS outcome,
                     $8::text AS trace_id, $9::jsonb AS data, head.hash AS prev_hash
                FROM head)
       INSERT INTO audit_events (seq, id, occurred_at, actor_id, action, resource_type, resource_id, outcome, trace_id, data, prev_hash, hash)
       SELECT seq, id, occurred_at, actor_id, action, resource_type, resource_id, outcome, trace_id, data, prev_hash, ${RECOMPUTED_HASH}
         FROM next
       RETURNING seq, hash`,
      [
        event.eventId,
        event.occurredAt,
        record.actorId,
        record.action,
        record.resourceType,
        record.resourceId,
        record.outcome,
        record.traceId,
        JSON.stringify(record.data ?? {}),
      ],
    )) as { seq: string; hash: string }[];
    await manager.query(`UPDATE audit_chain_head SET seq = $1, hash = $2`, [row!.seq, row!.hash]);
    appended.add(1, { action: record.action });
  }

  /** Newest first, filtered, in pages. */
  async query(query: AuditQuery): Promise<Page<AuditEventView>> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const filter = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      parameters.push(value);
      conditions.push(`${column} = $${parameters.length}`);
    };
    filter('actor_id', query.actorId);
    filter('action', query.action);
    filter('resource_type', query.resourceType);
    filter('resource_id', query.resourceId);
    filter('trace_id', query.traceId);
    if (query.cursor) {
      const { seq } = decodeCursor(query.cursor, (position): position is { seq: number } => Number.isSafeInteger(position.seq));
      parameters.push(seq);
      conditions.push(`seq < $${parameters.length}`);
    }
    parameters.push(query.limit + 1);
    const rows = (await this.dataSource.query(
      `SELECT * FROM audit_events ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY seq DESC LIMIT $${parameters.length}`,
      parameters,
    )) as AuditRow[];
    return toPage(rows, query.limit, toView, (row) => ({ seq: Number(row.seq) }));
  }

  /**
   * Walks the whole chain in `seq` order, a page at a time (never the whole table in memory), and
   * reports the first record that does not fit: a hash that does not match its contents, a
   * `prevHash` that is not the previous record's hash, or a missing `seq`. The head row tells
   * whether records were removed from the end. It reads one snapshot (REPEATABLE READ), so records
   * the consumer appends meanwhile are neither half-seen nor mistaken for a broken head.
   */
  verify(): Promise<ChainVerification> {
    return this.dataSource.transaction('REPEATABLE READ', (manager) => walkChain((sql, parameters) => manager.query(sql, parameters)));
  }
}

/** The chain walk of `verify`, on one connection. */
async function walkChain(query: (sql: string, parameters?: unknown[]) => Promise<unknown>): Promise<ChainVerification> {
  let expectedSeq = 1;
  let expectedPrevious = '0'.repeat(64);
  let checked = 0;
  for (;;) {
    const rows = (await query(
      `SELECT seq, prev_hash, hash, ${RECOMPUTED_HASH} AS recomputed
         FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT $2`,
      [expectedSeq, VERIFY_PAGE],
    )) as { seq: string; prev_hash: string; hash: string; recomputed: string }[];
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return { valid: false, checked, firstInvalidSeq: expectedSeq };
      checked += 1;
      if (row.prev_hash !== expectedPrevious || row.recomputed !== row.hash) return { valid: false, checked, firstInvalidSeq: seq };
      expectedSeq = seq + 1;
      expectedPrevious = row.hash;
    }
    if (rows.length < VERIFY_PAGE) break;
  }
  const [head] = (await query(`SELECT seq, hash FROM audit_chain_head`)) as { seq: string; hash: string }[];
  if (Number(head!.seq) !== expectedSeq - 1 || head!.hash !== expectedPrevious) {
    return { valid: false, checked, firstInvalidSeq: expectedSeq };
  }
  return { valid: true, checked };
}

function toView(row: AuditRow): AuditEventView {
  return {
    id: row.id,
    seq: Number(row.seq),
    occurredAt: new Date(row.occurred_at).toISOString(),
    actorId: row.actor_id,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    outcome: row.outcome,
    traceId: row.trace_id,
    data: row.data,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
