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

/**
 * Token buckets shared by all gateway replicas through Redis. If Redis cannot answer, each
 * replica falls back to buckets of its own in memory: limits are then per replica (looser by the
 * number of replicas), but never absent, and the fallback is counted so that it raises an alert.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly local = new LRUCache<string, { tokens: number; at: number }>({ max: 100_000 });
  private warnedAt = 0;

  private readonly redis: Redis & { takeToken(key: string, capacity: number, refill: number): Promise<[number, string]> };

  constructor(@Inject(REDIS) redis: Redis) {
    // Sent once, then called by its SHA (EVALSHA), as ioredis does for defined commands.
    redis.defineCommand('takeToken', { numberOfKeys: 1, lua: TOKEN_BUCKET_SCRIPT });
    this.redis = redis as typeof this.redis;
  }

  async take(key: string, policy: BucketPolicy): Promise<BucketDecision> {
    let decision: BucketDecision;
    try {
      const [allowed, tokens] = await this.redis.takeToken(`ratelimit:${policy.name}:${key}`, policy.capacity, policy.refillPerSecond);
      decision = decide(allowed === 1, Number(tokens), policy);
    } catch (error) {
      decision = this.takeLocally(`${policy.name}:${key}`, policy);
      fallbacks.add(1, { policy: policy.name });
      if (Date.now() - this.warnedAt > 10_000) {
        this.warnedAt = Date.now();
        this.logger.warn({ err: error }, 'Redis unreachable: rate limiting per replica, in memory');
      }
    }
    if (!decision.allowed) limited.add(1, { policy: policy.name });
    return decision;
  }

  private takeLocally(key: string, policy: BucketPolicy): BucketDecision {
    const { state, decision } = takeToken(this.local.get(key), policy, Date.now());
    this.local.set(key, state);
    return decision;
  }
}
