import { Injectable } from '@nestjs/common';
import { Brackets, DataSource } from 'typeorm';
import { isAdmin, type AuthenticatedUser } from '@bankshop/auth';
import { decodeCursor, toPage, type Page } from '@bankshop/platform';
import { TransferNotFoundError } from './domain/transfer-errors.ts';
import type { ListTransfersQuery } from './dto/list-transfers.query.ts';
import { toTransferView, type TransferView } from './dto/transfer.view.ts';
import { TransferRecord } from './persistence/transfer.record.ts';
import { TransferStore } from './persistence/transfer.store.ts';

/** Reading transfers: either party sees a transfer, administrators see all. */
@Injectable()
export class TransfersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: TransferStore,
  ) {}

  async get(user: AuthenticatedUser, id: string): Promise<TransferView> {
    const transfer = await this.store.find(id);
    if (!transfer || !(isAdmin(user) || transfer.isVisibleTo(user.id))) throw new TransferNotFoundError();
    return toTransferView(transfer);
  }

  /** Newest first. A customer sees transfers where they own either account. */
  async list(user: AuthenticatedUser, query: ListTransfersQuery): Promise<Page<TransferView>> {
    const builder = this.dataSource
      .getRepository(TransferRecord)
      .createQueryBuilder('transfer')
      .orderBy('transfer.createdAt', 'DESC')
      .addOrderBy('transfer.id', 'DESC')
      .limit(query.limit + 1);
    const visibleSide = (account: 'from' | 'to') =>
      [
        query.accountId ? `transfer.${account}AccountId = :accountId` : 'true',
        isAdmin(user) ? 'true' : `transfer.${account}OwnerId = :userId`,
      ].join(' AND ');
    builder.where(
      new Brackets((either) => either.where(visibleSide('from')).orWhere(visibleSide('to'))),
      { accountId: query.accountId, userId: user.id },
    );
    if (query.cursor) {
      const position = decodeCursor(
        query.cursor,
        (value): value is { createdAt: string; id: string } =>
          typeof value.createdAt === 'string' && typeof value.id === 'string' && !Number.isNaN(Date.parse(value.createdAt)),
      );
      builder.andWhere('(transfer.createdAt, transfer.id) < (:createdAt, :id)', position);
    }
    return toPage(
      await builder.getMany(),
      query.limit,
      (record) => toTransferView(record.toDomain()),
      (record) => ({ createdAt: record.createdAt.toISOString(), id: record.id }),
    );
  }
}
