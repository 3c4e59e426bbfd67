import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { TransactionConfig } from '../../config/transaction.config.ts';
import type { Transfer } from '../domain/transfer.ts';
import { TransferRecord } from './transfer.record.ts';

/** Someone else (the recovery sweeper, or a retried request) took the transfer over. */
export class TransferOwnershipLost extends Error {
  override readonly name = 'TransferOwnershipLost';
}

/**
 * Persists transfers. Whoever drives a PENDING transfer holds its lease; every write is a
 * compare-and-set on `version` that also renews the lease, so if the lease ran out and the
 * sweeper took over, the old owner's next write fails and it stops instead of racing.
 */
@Injectable()
export class TransferStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: TransactionConfig,
  ) {}

  async insert(transfer: Transfer): Promise<void> {
    const state = transfer.snapshot();
    await this.dataSource.getRepository(TransferRecord).insert({
      id: state.id,
      initiatedBy: state.initiatedBy,
      fromAccountId: state.fromAccountId,
      toAccountId: state.toAccountId,
      fromOwnerId: state.fromOwnerId,
      toOwnerId: state.toOwnerId,
      amount: state.amount,
      currency: state.currency,
      description: state.description,
      lockMode: state.lockMode,
      ...TransferRecord.columnsOf(state),
      version: state.version,
      leaseUntil: this.leaseEnd(),
      createdAt: state.createdAt,
      updatedAt: state.createdAt,
    });
  }

  /**
   * Writes the transfer's new state if we still own it; `work` adds rows (its outbox event) to the
   * same transaction. Returns the transfer as stored (its version advanced).
   */
  async save(transfer: Transfer, work?: (manager: EntityManager) => Promise<void>): Promise<Transfer> {
    const state = transfer.snapshot();
    const write = async (manager: EntityManager) => {
      const result = await manager
        .createQueryBuilder()
        .update(TransferRecord)
        .set({
          ...TransferRecord.columnsOf(state),
          version: () => 'version + 1',
          leaseUntil: this.leaseEnd(),
          updatedAt: () => 'now()',
        })
        .where('id = :id AND version = :version', { id: state.id, version: state.version })
        .execute();
      if (result.affected !== 1) throw new TransferOwnershipLost(`transfer ${state.id} changed under us`);
      await work?.(manager);
    };
    // A lone UPDATE is atomic by itself; only a write with more rows needs a transaction.
    await (work ? this.dataSource.transaction(write) : write(this.dataSource.manager));
    return transfer.stored();
  }

  async find(id: string): Promise<Transfer | null> {
    return (await this.dataSource.getRepository(TransferRecord).findOneBy({ id }))?.toDomain() ?? null;
  }

  /** Takes over the lease of a transfer nobody is driving any more (its lease ran out). */
  async claim(id: string): Promise<Transfer | null> {
    const claimed = (await this.dataSource.query(
      `UPDATE transfers SET lease_until = $2, version = version + 1, updated_at = now()
        WHERE id = $1 AND status = 'PENDING' AND lease_until < now()
        RETURNING id`,
      [id, this.leaseEnd()],
    )) as [unknown[], number];
    return claimed[1] === 1 ? this.find(id) : null;
  }

  /** Ids of PENDING transfers whose lease ran out: their owner died or gave up. */
  async abandoned(limit: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM transfers WHERE status = 'PENDING' AND lease_until < now() ORDER BY lease_until LIMIT $1`,
      [limit],
    )) as { id: string }[];
    return rows.map((row) => row.id);
  }

  private leaseEnd(): Date {
    return new Date(Date.now() + this.config.TRANSFER_LEASE_MS);
  }
}
