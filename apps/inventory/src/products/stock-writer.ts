import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { backoffDelay } from '@bankshop/resilience';
import { meter } from '@bankshop/telemetry';
import { InventoryConfig } from '../config/inventory.config.ts';
import { ConcurrentStockUpdateError } from './domain/inventory-errors.ts';
import { ProductRecord } from './persistence/product.record.ts';

class StockConflict extends Error {
  override readonly name = 'StockConflict';
}

const conflicts = meter().createCounter('bankshop.inventory.stock_conflicts', {
  description: 'Stock updates that lost to a concurrent writer and were retried',
});

/**
 * Changes products with optimistic concurrency: read them (no lock), let `work` change the loaded
 * records, then write each with `UPDATE ... WHERE id = $1 AND version = $2`. A lost race rolls the
 * whole transaction back and runs it again, a bounded number of times, after a jittered pause.
 * Combined with the `stock >= 0` check in the schema, the last units can never be sold twice.
 */
@Injectable()
export class StockWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: InventoryConfig,
  ) {}

  async change<T>(
    operation: string,
    ids: readonly string[],
    work: (products: Map<string, ProductRecord>, manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction(async (manager) => {
          const records = await manager.getRepository(ProductRecord).createQueryBuilder('product').whereInIds([...ids]).getMany();
          const products = new Map(records.map((record) => [record.id, record]));
          const versions = new Map(records.map((record) => [record.id, record.version]));
          const result = await work(products, manager);
          // In id order, so two changes touching the same products never wait on each other in a cycle.
          for (const product of [...products.values()].sort((a, b) => a.id.localeCompare(b.id))) {
            const written = await manager
              .createQueryBuilder()
              .update(ProductRecord)
              .set({
                name: product.name,
                description: product.description,
                price: product.price,
                stock: product.stock,
                version: () => 'version + 1',
                updatedAt: () => 'now()',
              })
              .where('id = :id AND version = :version', { id: product.id, version: versions.get(product.id) })
              .execute();
            if (written.affected !== 1) throw new StockConflict();
          }
          return result;
        });
      } catch (error) {
        if (!(error instanceof StockConflict)) throw error;
        conflicts.add(1, { operation });
        if (attempt >= this.config.OPTIMISTIC_MAX_ATTEMPTS) throw new ConcurrentStockUpdateError();
        await sleep(backoffDelay(attempt, { baseMs: 5, maxMs: 200 }));
      }
    }
  }
}
