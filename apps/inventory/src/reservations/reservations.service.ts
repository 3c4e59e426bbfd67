import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ReservationStatus, ReservationView, ReservedLine, StockMovedV1 } from '@bankshop/contracts';
import { Outbox } from '@bankshop/messaging';
import { Money } from '@bankshop/money';
import { isUniqueViolation } from '@bankshop/platform';
import { withSpan } from '@bankshop/telemetry';
import { InventoryConfig } from '../config/inventory.config.ts';
import {
  OutOfStockError,
  ReservationNotActiveError,
  ReservationNotFoundError,
  UnknownProductError,
} from '../products/domain/inventory-errors.ts';
import { CurrencyMismatchError } from '../products/domain/currency-mismatch.error.ts';
import { ProductCache } from '../products/product-cache.ts';
import { StockWriter } from '../products/stock-writer.ts';
import type { ReserveStockDto } from './dto/reserve-stock.dto.ts';
import { ReservationRecord } from './persistence/reservation.record.ts';

/** A reservation as stored: its lines were priced when it was made. */
interface StoredLine extends ReservedLine {
  currency: string;
}

/**
 * Stock reservations for the checkout saga (`/internal/reservations`):
 *
 * - reserve: all lines or none, each unit taken off sale with a compare-and-set on its product,
 *   so the last units go to exactly one buyer; idempotent by the caller's key;
 * - confirm: the order went through; the units stay sold;
 * - release: the order failed or was cancelled; the units go back on sale (also after a
 *   confirmation: that is a restock);
 * - expiry: a reservation nobody confirmed in time is released by the expiry job.
 *
 * Every status change is a compare-and-set on the reservation, so a confirm racing a release
 * (or a retried call) applies once.
 */
@Injectable()
export class ReservationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly stock: StockWriter,
    private readonly outbox: Outbox,
    private readonly cache: ProductCache,
    private readonly config: InventoryConfig,
  ) {}

  async reserve(request: ReserveStockDto): Promise<ReservationView> {
    const earlier = await this.findByKey(request.key);
    if (earlier) return toView(earlier);

    const quantities = new Map<string, number>();
    for (const item of request.items) quantities.set(item.productId, (quantities.get(item.productId) ?? 0) + item.quantity);
    try {
      const reservation = await withSpan('stock.reserve', () =>
        this.stock.change('stock.reserve', [...quantities.keys()], async (products, manager) => {
          const lines: StoredLine[] = [];
          for (const [productId, quantity] of quantities) {
            const product = products.get(productId);
            if (!product) throw new UnknownProductError(productId);
            if (product.stock < quantity) throw new OutOfStockError(productId);
            product.stock -= quantity;
            lines.push({
              productId,
              sku: product.sku,
              name: product.name,
              unitPrice: product.price.toString(),
              quantity,
              lineTotal: product.price.times(quantity).toString(),
              currency: product.currency,
            });
          }
          if (new Set(lines.map((line) => line.currency)).size > 1) throw new CurrencyMismatchError();
          const record = Object.assign(new ReservationRecord(), {
            id: randomUUID(),
            key: request.key,
            orderId: request.orderId,
            status: 'RESERVED' as const,
            items: lines,
            expiresAt: new Date(Date.now() + this.config.RESERVATION_TTL_SECONDS * 1000),
          });
          await manager.insert(ReservationRecord, record);
          await this.outbox.append(manager, stockEvent('inventory.stock.reserved.v1', record));
          return record;
        }),
      );
      await this.cache.invalidate(quantities.keys());
      return toView(reservation);
    } catch (error) {
      // Two concurrent calls with one key: the unique key lets one insert; the other answers with it.
      const winner = isUniqueViolation(error) ? await this.findByKey(request.key) : null;
      if (winner) return toView(winner);
      throw error;
    }
  }

  async confirm(id: string): Promise<ReservationView> {
    const reservation = await this.mustFind(id);
    if (reservation.status === 'CONFIRMED') return toView(reservation);
    await this.dataSource.transaction(async (manager) => {
      if (await this.transition(manager, id, ['RESERVED'], 'CONFIRMED')) {
        await this.outbox.append(manager, stockEvent('inventory.stock.confirmed.v1', { ...reservation, status: 'CONFIRMED' }));
      }
    });
    const confirmed = await this.mustFind(id);
    if (confirmed.status !== 'CONFIRMED') throw new ReservationNotActiveError(confirmed.status);
    return toView(confirmed);
  }

  /** Puts the units back on sale; releasing a released or expired reservation changes nothing. */
  release(id: string): Promise<ReservationView> {
    return this.putBack(id, 'RELEASED');
  }

  /** Releases reservations nobody confirmed in time (the expiry job); returns how many. */
  async expireDue(limit: number): Promise<number> {
    const due = await this.dataSource
      .getRepository(ReservationRecord)
      .createQueryBuilder('reservation')
      .where('reservation.status = :reserved AND reservation.expiresAt < now()', { reserved: 'RESERVED' })
      .orderBy('reservation.expiresAt')
      .limit(limit)
      .getMany();
    let expired = 0;
    for (const reservation of due) {
      if ((await this.putBack(reservation.id, 'EXPIRED').catch(() => undefined))?.status === 'EXPIRED') expired += 1;
    }
    return expired;
  }

  async get(id: string): Promise<ReservationView> {
    return toView(await this.mustFind(id));
  }

  async getByKey(key: string): Promise<ReservationView> {
    const reservation = await this.findByKey(key);
    if (!reservation) throw new ReservationNotFoundError();
    return toView(reservation);
  }

  private async putBack(id: string, outcome: 'RELEASED' | 'EXPIRED'): Promise<ReservationView> {
    const reservation = await this.mustFind(id);
    // Expiry only takes back what nobody confirmed; a release (cancellation) also restocks a confirmed one.
    const from: ReservationStatus[] = outcome === 'EXPIRED' ? ['RESERVED'] : ['RESERVED', 'CONFIRMED'];
    if (!from.includes(reservation.status)) return toView(reservation);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.transition(manager, id, from, outcome))) return;
      // Increments commute: no compare-and-set is needed to give units back.
      for (const item of reservation.items) {
        await manager.query(`UPDATE products SET stock = stock + $2, version = version + 1, updated_at = now() WHERE id = $1`, [
          item.productId,
          item.quantity,
        ]);
      }
      await this.outbox.append(manager, stockEvent('inventory.stock.released.v1', { ...reservation, status: outcome }));
    });
    await this.cache.invalidate(reservation.items.map((item) => item.productId));
    return toView(await this.mustFind(id));
  }

  /** Moves a reservation from one of `from` to `to`; false if another call got there first. */
  private async transition(manager: EntityManager, id: string, from: ReservationStatus[], to: ReservationStatus): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(ReservationRecord)
      .set({ status: to, updatedAt: () => 'now()' })
      .where('id = :id AND status IN (:...from)', { id, from })
      .execute();
    return result.affected === 1;
  }

  private async mustFind(id: string): Promise<ReservationRecord> {
    const reservation = await this.dataSource.getRepository(ReservationRecord).findOneBy({ id });
    if (!reservation) throw new ReservationNotFoundError();
    return reservation;
  }

  private findByKey(key: string): Promise<ReservationRecord | null> {
    return this.dataSource.getRepository(ReservationRecord).findOneBy({ key });
  }
}

function toView(reservation: ReservationRecord): ReservationView {
  const lines = reservation.items as StoredLine[];
  return {
    id: reservation.id,
    key: reservation.key,
    orderId: reservation.orderId,
    status: reservation.status,
    items: lines.map(({ currency: _currency, ...line }) => line),
    total: Money.sum(lines.map((line) => Money.of(line.lineTotal))).toString(),
    currency: (lines[0]?.currency ?? 'USD') as ReservationView['currency'],
    expiresAt: reservation.expiresAt.toISOString(),
  };
}

function stockEvent(
  type: 'inventory.stock.reserved.v1' | 'inventory.stock.confirmed.v1' | 'inventory.stock.released.v1',
  reservation: Pick<ReservationRecord, 'id' | 'orderId' | 'status' | 'items'>,
) {
  const payload: StockMovedV1 = {
    reservationId: reservation.id,
    orderId: reservation.orderId,
    status: reservation.status,
    items: reservation.items.map((item) => ({ productId: item.productId, quantity: item.quantity })),
  };
  return { type, aggregateId: reservation.id, payload };
}
