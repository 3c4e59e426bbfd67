import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { GenerationCache, REDIS } from '@bankshop/platform';
import { InventoryConfig } from '../config/inventory.config.ts';
import type { ProductView } from './dto/product.dto.ts';

/** Products as `GET /api/products/:id` answers them, cached in two levels; see `GenerationCache`. */
@Injectable()
export class ProductCache extends GenerationCache<ProductView> {
  constructor(@Inject(REDIS) redis: Redis, config: InventoryConfig) {
    super(redis, { name: 'product', ttlSeconds: config.PRODUCT_CACHE_TTL_SECONDS });
  }
}
