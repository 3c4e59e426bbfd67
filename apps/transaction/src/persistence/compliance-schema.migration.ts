import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './runtime-role.migration.ts';

/**
 * The audit trail (append-only and hash-chained) and the reconciliation runs.
 *
 * The service's role may only INSERT and SELECT `audit_events`: no UPDATE, DELETE or TRUNCATE,
 * so no bug and no compromised service can rewrite history. A superuser still can, which is what
 * the hash chain is for: any edit or deletion breaks it, and `verify` says where.
 */
export class ComplianceSchema1763943400000 implements MigrationInterface {
  name = 'ComplianceSchema1763943400000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE audit_events (
        seq           bigint PRIMARY KEY,
        id            uuid NOT NULL UNIQUE,
        occurred_at   timestamptz(3) NOT NULL,
        recorded_at   timestamptz NOT NULL DEFAULT now(),
        actor_id      text,
        action        text NOT NULL,
        resource_type text NOT NULL,
        resource_id   text,
        outcome       text NOT NULL CHECK (outcome IN ('SUCCESS', 'FAILURE')),
        trace_id      text,
        data          jsonb NOT NULL,
        prev_hash     char(64) NOT NULL,
        hash          char(64) NOT NULL
      )`);
    await runner.query(`CREATE INDEX audit_events_actor ON audit_events (actor_id, seq DESC)`);
    await runner.query(`CREATE INDEX audit_events_action ON audit_events (action, seq DESC)`);
    await runner.query(`CREATE INDEX audit_events_resource ON audit_events (resource_type, resource_id, seq DESC)`);
    await runner.query(`CREATE INDEX audit_events_trace ON audit_events (trace_id)`);
    // The end of the chain: one row, locked by each append, so records are chained one at a time.
    await runner.query(`
      CREATE TABLE audit_chain_head (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        seq       bigint NOT NULL,
        hash      char(64) NOT NULL
      )`);
    await runner.query(`INSERT INTO audit_chain_head (seq, hash) VALUES (0, repeat('0', 64))`);
    // The canonical form that is hashed: the record as a jsonb object (jsonb orders keys and
    // formats values one way), with the time in UTC to the millisecond. Defined here, once, so the
    // service and an auditor checking by hand in SQL hash exactly the same text.
    await runner.query(`
      CREATE FUNCTION audit_canonical(
        seq bigint, id uuid, occurred_at timestamptz, actor_id text, action text, resource_type text,
        resource_id text, outcome text, trace_id text, data jsonb
      ) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT jsonb_build_object(
          'seq', seq, 'id', id,
          'occurredAt', to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'actorId', actor_id, 'action', action, 'resourceType', resource_type, 'resourceId', resource_id,
          'outcome', outcome, 'traceId', trace_id, 'data', data)::text
      $$`);
    await runner.query(`
      CREATE FUNCTION audit_hash(prev_hash text, canonical text) RETURNS char(64) LANGUAGE sql IMMUTABLE STRICT AS $$
        SELECT encode(sha256(convert_to(prev_hash || canonical, 'UTF8')), 'hex')
      $$`);
    await runner.query(`REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM ${RUNTIME_ROLE}`);
    await runner.query(`GRANT SELECT, INSERT ON audit_events TO ${RUNTIME_ROLE}`);
    await runner.query(`REVOKE INSERT, DELETE, TRUNCATE ON audit_chain_head FROM ${RUNTIME_ROLE}`);

    await runner.query(`
      CREATE TABLE reconciliation_runs (
        id            uuid PRIMARY KEY,
        status        text NOT NULL CHECK (status IN ('RUNNING', 'CLEAN', 'DISCREPANCIES', 'FAILED')),
        trigger       text NOT NULL CHECK (trigger IN ('manual', 'schedule')),
        started_at    timestamptz NOT NULL,
        finished_at   timestamptz,
        checked       jsonb NOT NULL DEFAULT '{}',
        discrepancies jsonb NOT NULL DEFAULT '[]',
        failure       text
      )`);
    await runner.query(`CREATE INDEX reconciliation_runs_started ON reconciliation_runs (started_at DESC, id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE reconciliation_runs`);
    await runner.query(`DROP TABLE audit_chain_head`);
    await runner.query(`DROP FUNCTION audit_hash(text, text)`);
    await runner.query(`DROP FUNCTION audit_canonical(bigint, uuid, timestamptz, text, text, text, text, text, text, jsonb)`);
    await runner.query(`DROP TABLE audit_events`);
  }
}
