import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PaymentConfig } from '../../config/payment.config.ts';
import type { Payment, PaymentCondition } from '../domain/payment.ts';
import { PaymentRecord } from './payment.record.ts';

/** Adds rows (an outbox event, an audit record) to the transaction that writes a payment. */
export type AlongsideWrite = (manager: EntityManager) => Promise<void>;

/** Payments needing work: a charge whose outcome is not known yet, or a refund asked for but not made. */
const UNSETTLED = `(status = 'PENDING' OR (status = 'CAPTURED' AND refund_requested_at IS NOT NULL))`;

/**
 * Persists payments. Every change is a compare-and-set on how the payment looked before it
 * (`WHERE status = :expected`), so of two requests (or a request and the recovery sweeper)
 * settling the same payment, exactly one writes its outcome and the other reads it back.
 *
 * Whoever drives an unsettled payment holds its lease (`lease_until`), taken when the row is
 * written and renewed by every change; another request finding the lease held answers 409 rather
 * than calling the provider in parallel, and once it has run out anyone may take it over. The
 * lease only spares the provider duplicate calls: correctness rests on the compare-and-set and
 * on every provider call carrying the payment's own idempotency key.
 */
@Injectable()
export class PaymentStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: PaymentConfig,
  ) {}

  /**
   * Writes a new payment holding its lease, unless its charge key (or refund key) already names
   * one: then nothing is written and the answer is false. `alongside` runs in the same transaction,
   * only if the row was written.
   */
  async insert(payment: Payment, alongside?: AlongsideWrite): Promise<boolean> {
    const state = payment.snapshot();
    return this.dataSource.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .insert()
        .into(PaymentRecord)
        .values({
          id: state.id,
          chargeKey: state.chargeKey,
          ...PaymentRecord.columnsOf(state),
          leaseUntil: () => this.leaseEnd(),
          createdAt: state.createdAt,
          updatedAt: state.createdAt,
        })
        .orIgnore()
        .returning(['id'])
        .execute();
      const inserted = (result.raw as unknown[]).length === 1;
      if (inserted) await alongside?.(manager);
      return inserted;
    });
  }

  /**
   * Writes the payment's new state if it still is as `from` describes, renewing the lease;
   * `alongside` adds rows to the same transaction. False if another writer got there first.
   */
  async transition(payment: Payment, from: PaymentCondition, alongside?: AlongsideWrite): Promise<boolean> {
    const state = payment.snapshot();
    const write = async (manager: EntityManager) => {
      const result = await manager
        .createQueryBuilder()
        .update(PaymentRecord)
        .set({ ...PaymentRecord.columnsOf(state), leaseUntil: () => this.leaseEnd(), updatedAt: () => 'now()' })
        .where('id = :id AND status = :status AND (refund_requested_at IS NOT NULL) = :refundRequested', {
          id: state.id,
          status: from.status,
          refundRequested: from.refundRequested,
        })
        .execute();
      if (result.affected !== 1) return false;
      await alongside?.(manager);
      return true;
    };
    // A lone UPDATE is atomic by itself; only a write with more rows needs a transaction.
    return alongside ? this.dataSource.transaction(write) : write(this.dataSource.manager);
  }

  async find(id: string): Promise<Payment | null> {
    return (await this.dataSource.getRepository(PaymentRecord).findOneBy({ id }))?.toDomain() ?? null;
  }

  async findByChargeKey(chargeKey: string): Promise<Payment | null> {
    return (await this.dataSource.getRepository(PaymentRecord).findOneBy({ chargeKey }))?.toDomain() ?? null;
  }

  async findByRefundKey(refundKey: string): Promise<Payment | null> {
    return (await this.dataSource.getRepository(PaymentRecord).findOneBy({ refundKey }))?.toDomain() ?? null;
  }

  /** Takes over an unsettled payment whose lease ran out; null if it is settled or someone holds it. */
  async claim(id: string): Promise<Payment | null> {
    const [, claimed] = (await this.dataSource.query(
      `UPDATE payments SET lease_until = ${this.leaseEnd()}, updated_at = now()
        WHERE id = $1 AND lease_until < now() AND ${UNSETTLED}
        RETURNING id`,
      [id],
    )) as [unknown[], number];
    return claimed === 1 ? this.find(id) : null;
  }

  /**
   * Gives up the lease of a payment whose outcome could not be learnt, so that the caller's
   * retry (or the sweeper) may take it over after `afterMs`.
   */
  async release(id: string, afterMs = 0): Promise<void> {
    await this.dataSource.query(
      `UPDATE payments SET lease_until = now() + $2 * interval '1 millisecond', updated_at = now() WHERE id = $1 AND ${UNSETTLED}`,
      [id, afterMs],
    );
  }

  /** Ids of unsettled payments whose lease ran out: their request died or gave up. */
  async abandoned(limit: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM payments WHERE ${UNSETTLED} AND lease_until < now() ORDER BY lease_until LIMIT $1`,
      [limit],
    )) as { id: string }[];
    return rows.map((row) => row.id);
  }

  /** SQL for the end of a lease taken now (by the database's clock, which every replica shares). */
  private leaseEnd(): string {
    return `now() + ${this.config.PAYMENT_LEASE_MS} * interval '1 millisecond'`;
  }
}
