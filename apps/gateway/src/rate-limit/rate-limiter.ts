import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { REDIS } from '@bankshop/platform';
import { meter } from '@bankshop/telemetry';
import { decide, takeToken, TOKEN_BUCKET_SCRIPT, type BucketDecision, type BucketPolicy } from './token-bucket.ts';

const limited = meter().createCounter('bankshop.gateway.rate_limited', {
  description: 'Requests refused with 429 by the rate limiter, by policy',
});
const fallbacks = meter().createCounter('bankshop.gateway.rate_limit.fallback', {
  description: 'Rate-limit decisions taken in memory because Redis could not be reached',
});

/** How long a replica may keep tokens it took ahead of need before it must give them back. */
export const LEASE_MS = 100;
/** The most of a bucket one replica may hold ahead of need, as a share of its capacity. */
export const LEASE_SHARE = 0.05;

/** How many tokens beyond the request's own one replica may lease from a bucket. */
function leaseLimit(policy: BucketPolicy): number {
  return Math.floor(policy.capacity * LEASE_SHARE);
}

/**
 * Tokens one replica took from the shared bucket for a caller it sees often, and how often it
 * sees them. `sharedLeft` is what the bucket in Redis held after the lease was taken.
 */
interface Lease {
  tokens: number;
  expiresAt: number;
  sharedLeft: number;
  /** Until when Redis' last answer, "no token left", still holds (0 when it was a token). */
  refusedUntil: number;
  /** Requests for this key in the current and in the previous `LEASE_MS` period. */
  seen: number;
  seenBefore: number;
  periodStart: number;
  /** The Redis call under way for this key, which others arriving meanwhile wait for. */
  pending?: Promise<void> | undefined;
}

/**
 * Token buckets shared by all gateway replicas through Redis. If Redis cannot answer, each
 * replica falls back to buckets of its own in memory: limits are then per replica (looser by the
 * number of replicas), but never absent, and the fallback is counted so that it raises an alert.
 *
 * A caller who sends many requests a second to one replica would cost a Redis script per request.
 * Instead the replica leases tokens: it takes as many as the caller used in the previous 100 ms
 * (at most 5 % of the bucket) in one call, spends them locally, and gives back what it did not
 * spend by the time the lease ends. Tokens are always taken from the shared bucket before they
 * are spent, so all replicas together never admit more than the bucket allows; a replica can only
 * hold back up to 5 % of it for at most 100 ms. Likewise, once Redis has said the bucket is empty,
 * the replica refuses that caller by itself until a token can have been refilled (at most 100 ms).
 * A caller who sends one request at a time (the usual case) still costs one script per request, and
 * buckets smaller than 20 tokens always do.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly local = new LRUCache<string, { tokens: number; at: number }>({ max: 100_000 });
  private readonly leases = new LRUCache<string, Lease>({ max: 100_000 });
  private warnedAt = 0;

  private readonly redis: Redis & {
    takeTokens(key: string, capacity: number, refill: number, want: number, returned: number): Promise<[number, string]>;
  };

  constructor(@Inject(REDIS) redis: Redis) {
    // Sent once, then called by its SHA (EVALSHA), as ioredis does for defined commands.
    redis.defineCommand('takeTokens', { numberOfKeys: 1, lua: TOKEN_BUCKET_SCRIPT });
    this.redis = redis as typeof this.redis;
  }

  async take(key: string, policy: BucketPolicy): Promise<BucketDecision> {
    const name = `${policy.name}:${key}`;
    if (leaseLimit(policy) === 0) return this.counted(this.takeShared(name, undefined, policy), policy);
    const lease = this.leaseOf(name);
    // Callers arriving while this key's Redis call is under way wait for its lease (a few rounds
    // at most: when the lease is spent before their turn, they make a call of their own).
    for (let round = 0; round < 3 && lease.pending; round += 1) {
      await lease.pending;
      const decision = this.decideLocally(lease, policy);
      if (decision) return decision;
    }
    const decision = this.decideLocally(lease, policy);
    if (decision) return decision;

    const call = this.takeShared(name, lease, policy);
    const settled = call.then(() => undefined);
    lease.pending = settled;
    const shared = await this.counted(call, policy);
    if (lease.pending === settled) lease.pending = undefined;
    return shared;
  }

  private async counted(call: Promise<BucketDecision>, policy: BucketPolicy): Promise<BucketDecision> {
    const decision = await call;
    if (!decision.allowed) limited.add(1, { policy: policy.name });
    return decision;
  }

  /** One request's token from the bucket in Redis, plus a lease for the ones expected next. */
  private async takeShared(name: string, lease: Lease | undefined, policy: BucketPolicy): Promise<BucketDecision> {
    // A lease that has ended gives its unspent tokens back in the same script.
    const returned = lease && Date.now() >= lease.expiresAt ? Math.floor(lease.tokens) : 0;
    const want = 1 + Math.min(leaseLimit(policy), lease?.seenBefore ?? 0);
    if (lease) lease.tokens -= returned;
    try {
      const [granted, left] = await this.redis.takeTokens(`ratelimit:${name}`, policy.capacity, policy.refillPerSecond, want, returned);
      const leased = Math.max(0, granted - 1);
      if (lease) {
        const now = Date.now();
        const untilOneToken = ((1 - Number(left)) / policy.refillPerSecond) * 1000;
        Object.assign(lease, {
          // Added, not set: another request's call for the same key may have leased some meanwhile.
          tokens: lease.tokens + leased,
          sharedLeft: Number(left),
          expiresAt: now + LEASE_MS,
          refusedUntil: granted === 0 ? now + Math.min(LEASE_MS, untilOneToken) : 0,
        });
      }
      return decide(granted >= 1, Number(left) + leased, policy);
    } catch (error) {
      fallbacks.add(1, { policy: policy.name });
      if (Date.now() - this.warnedAt > 10_000) {
        this.warnedAt = Date.now();
        this.logger.warn({ err: error }, 'Redis unreachable: rate limiting per replica, in memory');
      }
      return this.takeLocally(name, policy);
    }
  }

  /**
   * The decision this replica can take without Redis: admitted on a leased token, if one is left
   * and the lease has not ended; refused while Redis' last answer was "empty" and the bucket cannot
   * have refilled a token since. Otherwise undefined: ask Redis.
   */
  private decideLocally(lease: Lease, policy: BucketPolicy): BucketDecision | undefined {
    const now = Date.now();
    if (lease.tokens >= 1 && now < lease.expiresAt) {
      lease.tokens -= 1;
      return decide(true, lease.sharedLeft + lease.tokens, policy);
    }
    if (now < lease.refusedUntil) {
      limited.add(1, { policy: policy.name });
      return decide(false, lease.sharedLeft, policy);
    }
    return undefined;
  }

  /** This key's lease, with the request now being decided counted towards its demand. */
  private leaseOf(name: string): Lease {
    const now = Date.now();
    let lease = this.leases.get(name);
    if (!lease) {
      lease = { tokens: 0, expiresAt: 0, sharedLeft: 0, refusedUntil: 0, seen: 0, seenBefore: 0, periodStart: now };
      this.leases.set(name, lease);
    }
    if (now - lease.periodStart >= LEASE_MS) {
      lease.seenBefore = now - lease.periodStart < 2 * LEASE_MS ? lease.seen : 0;
      lease.seen = 0;
      lease.periodStart = now;
    }
    lease.seen += 1;
    return lease;
  }

  private takeLocally(name: string, policy: BucketPolicy): BucketDecision {
    const { state, decision } = takeToken(this.local.get(name), policy, Date.now());
    this.local.set(name, state);
    return decision;
  }
}
