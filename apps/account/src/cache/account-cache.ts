import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { REDIS } from '@bankshop/platform';
import { meter } from '@bankshop/telemetry';
import { AccountConfig } from '../config/account.config.ts';
import type { AccountView } from '../accounts/dto/account.view.ts';

const lookups = meter().createCounter('bankshop.account.cache.lookups', {
  description: 'Account reads by cache level that answered: local, redis or database',
});

/**
 * A two-level read cache for accounts (in-process LRU, then Redis, then PostgreSQL) that never
 * serves a balance older than the last acknowledged write.
 *
 * Every account has a generation counter in Redis, incremented after each committed change and
 * before the change is acknowledged. Cached copies are stored under the generation that was
 * current when their database read began, and are only served while it is still current. So:
 *
 * - a copy read before a change and stored after it lands under a dead generation and is never
 *   served (no "stale fill" race);
 * - every replica checks the generation in Redis on each read, so invalidation reaches all of them
 *   at once, with no pub/sub to lose;
 * - when Redis is unreachable the cache is bypassed and the database answers;
 * - if Redis restarts empty, a new epoch makes every older copy unusable.
 *
 * The one gap: if Redis refuses the increment (after retries) but answers reads, a copy may be up
 * to `ACCOUNT_CACHE_TTL_SECONDS` old. That is logged and counted in
 * `bankshop.account.cache.invalidation_failures`.
 */
@Injectable()
export class AccountCache {
  private readonly logger = new Logger(AccountCache.name);
  private readonly local = new LRUCache<string, { generation: string; view: AccountView }>({ max: 10_000 });
  private readonly invalidationFailures = meter().createCounter('bankshop.account.cache.invalidation_failures', {
    description: 'Account changes whose cache generation could not be advanced in Redis',
  });

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AccountConfig,
  ) {}

  async get(id: string, load: () => Promise<AccountView | null>): Promise<AccountView | null> {
    const generation = await this.currentGeneration(id);
    if (generation === undefined) {
      lookups.add(1, { level: 'database' });
      return load();
    }

    const local = this.local.get(id);
    if (local?.generation === generation) {
      lookups.add(1, { level: 'local' });
      return local.view;
    }

    const shared = await this.redis.get(entryKey(id, generation)).catch(() => null);
    if (shared) {
      const view = JSON.parse(shared) as AccountView;
      this.local.set(id, { generation, view });
      lookups.add(1, { level: 'redis' });
      return view;
    }

    lookups.add(1, { level: 'database' });
    const view = await load();
    if (view) {
      this.local.set(id, { generation, view });
      await this.redis
        .set(entryKey(id, generation), JSON.stringify(view), 'EX', this.config.ACCOUNT_CACHE_TTL_SECONDS)
        .catch(() => undefined);
    }
    return view;
  }

  /**
   * `<epoch>:<counter>`. The epoch is a random value Redis holds for as long as it keeps its data:
   * if Redis restarts empty, counters start again at 0, and without the epoch an old in-process
   * copy of "generation 0" could be served again. Undefined when Redis cannot answer.
   */
  private async currentGeneration(id: string): Promise<string | undefined> {
    try {
      const [epoch, counter] = await this.redis.mget(EPOCH_KEY, generationKey(id));
      if (epoch) return `${epoch}:${counter ?? '0'}`;
      await this.redis.set(EPOCH_KEY, randomUUID(), 'NX');
      return undefined;
    } catch {
      return undefined;
    }
  }

  /** Called after a change committed and before it is acknowledged. */
  async invalidate(ids: Iterable<string>): Promise<void> {
    for (const id of new Set(ids)) {
      this.local.delete(id);
      if (!(await this.advance(id))) {
        this.invalidationFailures.add(1);
        this.logger.error({ accountId: id }, 'could not advance the cache generation of an account');
      }
    }
  }

  private async advance(id: string): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        await this.redis.incr(generationKey(id));
        return true;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
      }
    }
    return false;
  }
}

const EPOCH_KEY = 'account:cache:epoch';

function generationKey(id: string): string {
  return `account:${id}:generation`;
}

function entryKey(id: string, generation: string): string {
  return `account:${id}:${generation}`;
}
