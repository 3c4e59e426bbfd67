import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ProductChangedV1 } from '@bankshop/contracts';
import { Outbox, type NewEvent } from '@bankshop/messaging';
import { Money } from '@bankshop/money';
import { decodeCursor, isUniqueViolation, toPage, type Page, type PageQuery } from '@bankshop/platform';
import { ConcurrentStockUpdateError, ProductBusyError, ProductNotFoundError, SkuTakenError } from './domain/inventory-errors.ts';
import type { CreateProductDto, ProductView, UpdateProductDto } from './dto/product.dto.ts';
import { ProductRecord } from './persistence/product.record.ts';
import { ProductCache } from './product-cache.ts';
import { StockWriter } from './stock-writer.ts';

/** The catalogue: public reads (cached), administrators' creates and updates. */
@Injectable()
export class ProductsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly cache: ProductCache,
    private readonly stock: StockWriter,
  ) {}

  async get(id: string): Promise<ProductView> {
    const product = await this.cache.get(id, async () => {
      const record = await this.dataSource.getRepository(ProductRecord).findOneBy({ id });
      return record ? toProductView(record) : null;
    });
    if (!product) throw new ProductNotFoundError();
    return product;
  }

  /** Newest first, in pages (straight from the database: lists are not cached). */
  async list(page: PageQuery): Promise<Page<ProductView>> {
    const query = this.dataSource
      .getRepository(ProductRecord)
      .createQueryBuilder('product')
      .orderBy('product.createdAt', 'DESC')
      .addOrderBy('product.id', 'DESC')
      .limit(page.limit + 1);
    if (page.cursor) {
      const position = decodeCursor(
        page.cursor,
        (value): value is { createdAt: string; id: string } =>
          typeof value.createdAt === 'string' && typeof value.id === 'string' && !Number.isNaN(Date.parse(value.createdAt)),
      );
      query.andWhere('(product.createdAt, product.id) < (:createdAt, :id)', position);
    }
    return toPage(await query.getMany(), page.limit, toProductView, (record) => ({
      createdAt: record.createdAt.toISOString(),
      id: record.id,
    }));
  }

  async create(request: CreateProductDto): Promise<ProductView> {
    const now = new Date();
    const record = Object.assign(new ProductRecord(), {
      id: randomUUID(),
      sku: request.sku,
      name: request.name,
      description: request.description ?? null,
      price: Money.parse(request.price),
      currency: request.currency,
      stock: request.stock,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.insert(ProductRecord, record);
        await this.outbox.append(manager, productEvent('inventory.product.created.v1', record));
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new SkuTakenError();
      throw error;
    }
    return toProductView(record);
  }

  /**
   * Changes what is given. Stock is set with the same compare-and-set as reservations use, retried
   * on a lost race like theirs; a change still losing after the last retry is a 503, since
   * CONCURRENT_UPDATE never reaches a public answer.
   */
  async update(id: string, request: UpdateProductDto): Promise<ProductView> {
    const updated = await this.stock
      .change('product.update', [id], async (products, manager) => {
        const product = products.get(id);
        if (!product) throw new ProductNotFoundError();
        if (request.price !== undefined) product.price = Money.parse(request.price);
        if (request.stock !== undefined) product.stock = request.stock;
        if (request.name !== undefined) product.name = request.name;
        if (request.description !== undefined) product.description = request.description;
        await this.outbox.append(manager, productEvent('inventory.product.updated.v1', product));
        return product;
      })
      .catch((error: unknown) => {
        throw error instanceof ConcurrentStockUpdateError ? new ProductBusyError() : error;
      });
    await this.cache.invalidate([id]);
    return toProductView(updated);
  }
}

export function toProductView(record: ProductRecord): ProductView {
  return {
    id: record.id,
    sku: record.sku,
    name: record.name,
    description: record.description,
    price: record.price.toString(),
    currency: record.currency,
    stock: record.stock,
  };
}

function productEvent(
  type: 'inventory.product.created.v1' | 'inventory.product.updated.v1',
  product: ProductRecord,
): NewEvent<typeof type, ProductChangedV1> {
  return {
    type,
    aggregateId: product.id,
    payload: { productId: product.id, sku: product.sku, price: product.price.toString(), currency: product.currency, stock: product.stock },
  };
}
