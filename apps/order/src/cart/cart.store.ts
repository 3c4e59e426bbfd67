import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '@bankshop/platform';
import { OrderConfig } from '../config/order.config.ts';

export interface CartLine {
  productId: string;
  quantity: number;
}

/**
 * Carts live in Redis only, one hash per user (`cart:<userId>`: product id -> quantity), and are
 * forgotten `CART_TTL_SECONDS` after the last change. A cart is a convenience, not a record: the
 * order placed from it is what is kept.
 */
@Injectable()
export class CartStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: OrderConfig,
  ) {}

  async lines(userId: string): Promise<CartLine[]> {
    const fields = await this.redis.hgetall(keyOf(userId));
    return Object.entries(fields)
      .map(([productId, quantity]) => ({ productId, quantity: Number(quantity) }))
      .sort((a, b) => a.productId.localeCompare(b.productId));
  }

  /** Sets a line's quantity (0 removes it) and keeps the cart another TTL. */
  async set(userId: string, productId: string, quantity: number): Promise<void> {
    const key = keyOf(userId);
    const pipeline = this.redis.multi();
    if (quantity === 0) pipeline.hdel(key, productId);
    else pipeline.hset(key, productId, String(quantity));
    pipeline.expire(key, this.config.CART_TTL_SECONDS);
    await pipeline.exec();
  }

  async clear(userId: string): Promise<void> {
    await this.redis.del(keyOf(userId));
  }
}

function keyOf(userId: string): string {
  return `cart:${userId}`;
}
