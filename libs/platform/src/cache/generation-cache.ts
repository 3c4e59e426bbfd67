import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { meter } from '@bankshop/telemetry';

export interface GenerationCacheOptions {
  /** Names the keys and the metrics: `account`, `product`. */
  name: string;
  /** Lifetime of a copy in Redis; copies are also invalidated on every change. */
  ttlSeconds: number;
  /** Copies kept in this process. */
  maxLocal?: number;
}

const lookups = meter().createCounter('bankshop.cache.lookups', {
  description: 'Cached reads by cache and by the level that answered: local, redis or database',
});
const invalidationFailures = meter().createCounter('bankshop.cache.invalidation_failures', {
  description: 'Changes whose cache generation could not be advanced in Redis',
});

/**
 * A two-level read cache (in-process LRU, then Redis, then the database) that never serves a
 * value older than the last acknowledged write.
 *
 * Every entity has a generation counter in Redis, incremented after each committed change and
 * before the change is acknowledged (`invalidate`). Copies are stored under the generation that
 * was current when their database read began, and are only served while it is still current:
 *
 * - a copy read before a change and stored after it lands under a dead generation and is never
 *   served (no "stale fill" race);
 * - every replica checks the generation in Redis on each read, so invalidation reaches all of them
 *   at once, with no pub/sub message to lose;
 * - when Redis is unreachable the cache is bypassed and the database answers;
 * - if Redis restarts empty, a new epoch makes every older copy unusable.
 *
 * The one gap: if Redis refuses the increment (after retries) but answers reads, a copy may be up
 * to `ttlSeconds` old. That is logged and counted in `bankshop.cache.invalidation_failures`.
 */
export class GenerationCache<T> {
  private readonly logger: Logger;
  private readonly local: LRUCache<string, { generation: string; value: T }>;
  private readonly epochKey: string;

  constructor(
    private readonly redis: Redis,
    private readonly options: GenerationCacheOptions,
  ) {
    this.logger = new Logger(`${options.name}-cache`);
    this.local = new LRUCache({ max: options.maxLocal ?? 10_000 });
    this.epochKey = `${options.name}:cache:epoch`;
  }

  /** The cached value of `id`, or `load()`'s (then cached). Null values are not cached. */
  async get(id: string, load: () => Promise<T | null>): Promise<T | null> {
    const generation = await this.currentGeneration(id);
    if (generation === undefined) return this.fromDatabase(load);

    const local = this.local.get(id);
    if (local?.generation === generation) {
      lookups.add(1, { cache: this.options.name, level: 'local' });
      return local.value;
    }

    const shared = await this.redis.get(this.entryKey(id, generation)).catch(() => null);
    if (shared) {
      const value = JSON.parse(shared) as T;
      this.local.set(id, { generation, value });
      lookups.add(1, { cache: this.options.name, level: 'redis' });
      return value;
    }

    const value = await this.fromDatabase(load);
    if (value !== null) {
      this.local.set(id, { generation, value });
      await this.redis.set(this.entryKey(id, generation), JSON.stringify(value), 'EX', this.options.ttlSeconds).catch(() => undefined);
    }
    return value;
  }

  /** Call after a change committed and before it is acknowledged. */
  async invalidate(ids: Iterable<string>): Promise<void> {
    for (const id of new Set(ids)) {
      this.local.delete(id);
      if (!(await this.advance(id))) {
        invalidationFailures.add(1, { cache: this.options.name });
        this.logger.error({ id }, 'could not advance the cache generation');
      }
    }
  }

  private fromDatabase(load: () => Promise<T | null>): Promise<T | null> {
    lookups.add(1, { cache: this.options.name, level: 'database' });
    return load();
  }

  /** `<epoch>:<counter>`, or undefined when Redis cannot answer. */
  private async currentGeneration(id: string): Promise<string | undefined> {
    try {
      const [epoch, counter] = await this.redis.mget(this.epochKey, this.generationKey(id));
      if (epoch) return `${epoch}:${counter ?? '0'}`;
      await this.redis.set(this.epochKey, randomUUID(), 'NX');
      return undefined;
    } catch {
      return undefined;
    }
  }

  private async advance(id: string): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        await this.redis.incr(this.generationKey(id));
        return true;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
      }
    }
    return false;
  }

  private generationKey(id: string): string {
    return `${this.options.name}:${id}:generation`;
  }

  private entryKey(id: string, generation: string): string {
    return `${this.options.name}:${id}:${generation}`;
  }
}
