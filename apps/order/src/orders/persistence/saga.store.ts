import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { OrderConfig } from '../../config/order.config.ts';
import type { CheckoutSaga } from '../domain/checkout-saga.ts';
import type { Order } from '../domain/order.ts';
import { OrderRecord } from './order.record.ts';
import { SagaRecord } from './saga.record.ts';

/** Someone else (the recovery worker of another replica) took the saga over: stop driving it. */
export class SagaOwnershipLost extends Error {
  override readonly name = 'SagaOwnershipLost';
}

/** An order and its saga as stored. */
export interface StoredCheckout {
  saga: CheckoutSaga;
  order: Order;
  updatedAt: Date;
}

/** Extra writes (outbox events) to make in the same transaction as a saga's new state. */
export type AlongWith = (manager: EntityManager) => Promise<void>;

/**
 * Persists an order and its saga, always together, in one transaction.
 *
 * Whoever drives a saga holds its lease (`lease_owner`, `lease_until`) and renews it while a step
 * runs. Every write is a compare-and-set on `version` by the lease holder, so a worker whose lease
 * ran out and was taken over fails its next write and stops, instead of racing the new owner.
 */
@Injectable()
export class SagaStore {
  /** This process, as a lease owner. */
  readonly workerId = randomUUID();

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: OrderConfig,
  ) {}

  /** A new order and its saga, leased to this worker. */
  async create(order: Order, saga: CheckoutSaga, along: AlongWith): Promise<void> {
    const state = saga.snapshot();
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(OrderRecord, { ...OrderRecord.columnsOf(order.snapshot()), updatedAt: new Date() });
      await manager.insert(SagaRecord, {
        id: state.id,
        orderId: state.orderId,
        ...SagaRecord.columnsOf(state),
        version: state.version,
        leaseOwner: this.workerId,
        leaseUntil: this.leaseEnd(),
      });
      await along(manager);
    });
  }

  /** The saga's and the order's new state, if this worker still owns the saga. */
  async save(saga: CheckoutSaga, order: Order, along?: AlongWith): Promise<CheckoutSaga> {
    const state = saga.snapshot();
    await this.dataSource.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(SagaRecord)
        .set({ ...SagaRecord.columnsOf(state), version: () => 'version + 1', leaseUntil: this.leaseEnd(), updatedAt: () => 'now()' })
        .where('id = :id AND version = :version AND lease_owner = :owner', { id: state.id, version: state.version, owner: this.workerId })
        .execute();
      if (result.affected !== 1) throw new SagaOwnershipLost(`saga ${state.id} changed under us`);
      await manager.update(OrderRecord, { id: order.id }, { ...OrderRecord.columnsOf(order.snapshot()), updatedAt: new Date() });
      await along?.(manager);
    });
    return saga.stored();
  }

  /**
   * Takes a saga over for this worker: one that is unfinished and whose lease ran out (its owner
   * died), or one this worker already owns. Answers null when someone else holds it.
   */
  async claim(sagaId: string): Promise<StoredCheckout | null> {
    const [, affected] = (await this.dataSource.query(
      `UPDATE saga_instances SET lease_owner = $2, lease_until = $3, version = version + 1, updated_at = now()
        WHERE id = $1 AND state IN ('RUNNING', 'COMPENSATING') AND (lease_until < now() OR lease_owner = $2)`,
      [sagaId, this.workerId, this.leaseEnd()],
    )) as [unknown, number];
    if (affected !== 1) return null;
    return this.load(sagaId);
  }

  /** Keeps the lease while a long step runs; false if it was lost meanwhile. */
  async renew(sagaId: string): Promise<boolean> {
    const [, affected] = (await this.dataSource.query(
      `UPDATE saga_instances SET lease_until = $3 WHERE id = $1 AND lease_owner = $2`,
      [sagaId, this.workerId, this.leaseEnd()],
    )) as [unknown, number];
    return affected === 1;
  }

  /** Lets go of a saga at rest, so that nothing waits for its lease. */
  async release(sagaId: string): Promise<void> {
    await this.dataSource.query(`UPDATE saga_instances SET lease_until = now() WHERE id = $1 AND lease_owner = $2`, [sagaId, this.workerId]);
  }

  /**
   * A saga with its order, read in one snapshot (REPEATABLE READ): read one after the other, a
   * step saved in between would pair the old saga with the new order.
   */
  load(sagaId: string): Promise<StoredCheckout | null> {
    return this.readCheckout({ id: sagaId });
  }

  /** An order with its saga, by order id (one snapshot, as `load`). */
  checkoutOf(orderId: string): Promise<StoredCheckout | null> {
    return this.readCheckout({ orderId });
  }

  private readCheckout(where: { id: string } | { orderId: string }): Promise<StoredCheckout | null> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const saga = await manager.getRepository(SagaRecord).findOneBy(where);
      if (!saga) return null;
      const order = await manager.getRepository(OrderRecord).findOneByOrFail({ id: saga.orderId });
      return { saga: saga.toDomain(), order: order.toDomain(), updatedAt: order.updatedAt };
    });
  }

  /** Sagas of the given orders, by order id (for listings). */
  async sagasOf(orderIds: string[], manager: EntityManager = this.dataSource.manager): Promise<Map<string, CheckoutSaga>> {
    if (orderIds.length === 0) return new Map();
    const records = await manager.getRepository(SagaRecord).findBy({ orderId: In(orderIds) });
    return new Map(records.map((record) => [record.orderId, record.toDomain()]));
  }

  /** Ids of unfinished sagas nobody has driven within their lease: their worker died. */
  async abandoned(limit: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM saga_instances WHERE state IN ('RUNNING', 'COMPENSATING') AND lease_until < now() ORDER BY lease_until LIMIT $1`,
      [limit],
    )) as { id: string }[];
    return rows.map((row) => row.id);
  }

  /**
   * Starts undoing a confirmed order (the customer cancelled), leased to this worker. False when
   * the saga moved on meanwhile (a concurrent cancellation won).
   */
  async beginCancellation(saga: CheckoutSaga, order: Order, along: AlongWith): Promise<boolean> {
    const state = saga.snapshot();
    return this.dataSource.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(SagaRecord)
        .set({ ...SagaRecord.columnsOf(state), version: () => 'version + 1', leaseOwner: this.workerId, leaseUntil: this.leaseEnd() })
        .where(`id = :id AND version = :version AND state = 'CONFIRMED'`, { id: state.id, version: state.version })
        .execute();
      if (result.affected !== 1) return false;
      await manager.update(OrderRecord, { id: order.id }, { ...OrderRecord.columnsOf(order.snapshot()), updatedAt: new Date() });
      await along(manager);
      return true;
    });
  }

  private leaseEnd(): Date {
    return new Date(Date.now() + this.config.SAGA_LEASE_MS);
  }
}
