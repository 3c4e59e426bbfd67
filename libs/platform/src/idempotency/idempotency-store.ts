import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'in-progress' }
  | { kind: 'reused' };

/**
 * The `idempotency_keys` table. A key is claimed with a single INSERT, so of two concurrent
 * requests with the same key exactly one wins; the other sees the claim and is told to wait
 * (409) or, once the first finished, gets its stored answer.
 */
@Injectable()
export class IdempotencyStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims `(scope, key)` for a request whose content hashes to `requestHash`. A claim left
   * IN_PROGRESS by a process that died is taken over once its lease has run out; that is safe
   * because the routes behind these keys derive their effects from the key (a retried transfer
   * finds its own transfer), so running the handler again cannot apply anything twice.
   */
  async claim(scope: string, key: string, requestHash: string, leaseMs: number): Promise<Claim> {
    const claimed = (await this.dataSource.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, status, locked_until)
       VALUES ($1, $2, $3, 'IN_PROGRESS', now() + $4 * interval '1 millisecond')
       ON CONFLICT (scope, key) DO UPDATE SET locked_until = EXCLUDED.locked_until
         WHERE idempotency_keys.status = 'IN_PROGRESS'
           AND idempotency_keys.locked_until < now()
           AND idempotency_keys.request_hash = EXCLUDED.request_hash
       RETURNING 1`,
      [scope, key, requestHash, leaseMs],
    )) as unknown[];
    if (claimed.length > 0) return { kind: 'claimed' };

    const [existing] = (await this.dataSource.query(
      `SELECT request_hash, status, response_status, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [scope, key],
    )) as { request_hash: string; status: string; response_status: number | null; response_body: unknown }[];
    // Deleted (released or reaped) between the two statements: the caller may simply retry.
    if (!existing) return { kind: 'in-progress' };
    if (existing.request_hash !== requestHash) return { kind: 'reused' };
    if (existing.status === 'COMPLETED') {
      return { kind: 'replay', status: existing.response_status ?? 200, body: existing.response_body };
    }
    return { kind: 'in-progress' };
  }

  async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys
          SET status = 'COMPLETED', response_status = $3, response_body = $4, completed_at = now()
        WHERE scope = $1 AND key = $2`,
      [scope, key, status, JSON.stringify(body ?? null)],
    );
  }

  /** Forgets a claim whose request failed unexpectedly, so the client can retry it. */
  async release(scope: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status = 'IN_PROGRESS'`, [
      scope,
      key,
    ]);
  }

  /** Deletes keys older than `maxAgeHours`; returns how many. */
  async reap(maxAgeHours: number): Promise<number> {
    const [, count] = (await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE created_at < now() - $1 * interval '1 hour'`,
      [maxAgeHours],
    )) as [unknown, number];
    return count;
  }
}
