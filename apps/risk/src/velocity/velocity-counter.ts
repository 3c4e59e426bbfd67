import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '@bankshop/platform';

/** The velocity window: "transfers per minute" is counted over the last 60 seconds, sliding. */
export const WINDOW_MS = 60_000;

/**
 * Counts the transfers from each source account over a sliding 60-second window, in Redis, so
 * every replica of the service sees the same count.
 *
 * One sorted set per account, `risk:velocity:<accountId>`: each member is a transfer id, scored by
 * the time it was first counted. A sliding window (not per-minute buckets) means a burst cannot
 * hide across a minute boundary; the transfer id as member means a transfer assessed twice (a
 * retry, a concurrent duplicate) is counted once. Attempts count, rejected ones included: a burst
 * of refused transfers is itself the signal.
 */
@Injectable()
export class VelocityCounter {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /**
   * Records `transferId` and returns how many transfers from `accountId` fall in the 60 seconds
   * up to `now`, this one included.
   *
   * @throws when Redis cannot answer; the caller decides what an unknown count means.
   */
  async count(accountId: string, transferId: string, now: Date): Promise<number> {
    const key = `risk:velocity:${accountId}`;
    const at = now.getTime();
    // One MULTI, so the four steps apply together and no other replica's steps interleave. The
    // window is measured on this process's clock; replicas are NTP-synced, and a skew of a few
    // milliseconds only moves the window's edge by as much.
    const results = await this.redis
      .multi()
      .zadd(key, 'NX', at, transferId)
      .zremrangebyscore(key, '-inf', at - WINDOW_MS)
      .zcard(key)
      // A quiet account's set disappears on its own a minute after its last transfer.
      .pexpire(key, WINDOW_MS)
      .exec();
    if (!results) throw new Error('Redis aborted the velocity transaction');
    const failed = results.find(([error]) => error !== null);
    if (failed) throw failed[0];
    const count = results[2]?.[1];
    // Never guess: a count that is not a number would silently pass the velocity rule.
    if (typeof count !== 'number') throw new Error('Redis answered ZCARD with something other than a number');
    return count;
  }
}
