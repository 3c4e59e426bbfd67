import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localInfra } from '@bankshop/testing';
import { LEASE_MS, RateLimiter } from './rate-limiter.ts';
import type { BucketPolicy } from './token-bucket.ts';

/**
 * The limiter against a real Redis, as two replicas (two limiters, two connections) share it.
 * The buckets here barely refill (one token in 1 000 s), so what they admit is their capacity.
 */
describe('RateLimiter (two replicas sharing Redis)', () => {
  const connections: Redis[] = [];

  beforeAll(() => {
    connections.push(new Redis(localInfra.redisUrl), new Redis(localInfra.redisUrl));
  });

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.quit()));
  });

  function replica(connection: Redis): { limiter: RateLimiter; scriptCalls: () => number } {
    const limiter = new RateLimiter(connection);
    const spy = vi.spyOn(connection as Redis & { takeTokens: () => unknown }, 'takeTokens');
    return { limiter, scriptCalls: () => spy.mock.calls.length };
  }

  function policy(capacity: number): BucketPolicy {
    return { name: `spec-${randomUUID()}`, capacity, refillPerSecond: 0.001 };
  }

  /** `waves` bursts of `perReplica` concurrent requests to each replica, one lease period apart. */
  async function burst(replicas: RateLimiter[], bucket: BucketPolicy, waves: number, perReplica: number): Promise<number> {
    let accepted = 0;
    for (let wave = 0; wave < waves; wave += 1) {
      const decisions = await Promise.all(
        replicas.flatMap((limiter) => Array.from({ length: perReplica }, () => limiter.take('user:busy', bucket))),
      );
      accepted += decisions.filter((decision) => decision.allowed).length;
      await sleep(LEASE_MS + 10);
    }
    return accepted;
  }

  it('leases tokens to a busy caller: far fewer scripts, and never more admitted than the bucket holds', async () => {
    const [first, second] = [replica(connections[0]!), replica(connections[1]!)];
    const bucket = policy(400);

    const accepted = await burst([first.limiter, second.limiter], bucket, 10, 60);

    // 1 200 requests for 400 tokens: a replica may still hold up to 5 % (20) unspent at the end.
    expect(accepted).toBeLessThanOrEqual(400);
    expect(accepted).toBeGreaterThanOrEqual(400 - 2 * 20);
    console.info(`rate limiter: ${first.scriptCalls() + second.scriptCalls()} scripts for 1 200 requests, ${accepted} admitted`);
    expect(first.scriptCalls() + second.scriptCalls()).toBeLessThan(1_200 / 2);
  });

  it('gives back the tokens a lease did not spend', async () => {
    const { limiter } = replica(connections[0]!);
    const bucket = policy(100);
    // Build up demand, then a lease of more tokens than are used before it ends.
    await burst([limiter], bucket, 3, 10);

    await sleep(LEASE_MS + 10);
    const decision = await limiter.take('user:busy', bucket);

    expect(decision.allowed).toBe(true);
    // 30 requests and this one spent 31 tokens; nothing else is kept back any longer.
    const left = Number(await connections[0]!.hget(`ratelimit:${bucket.name}:user:busy`, 'tokens'));
    expect(Math.round(left)).toBe(100 - 31);
  });

  it('runs one script per request for buckets under 20 tokens, and refuses once they are empty', async () => {
    const { limiter, scriptCalls } = replica(connections[0]!);
    const bucket = policy(19);

    const decisions = await Promise.all(Array.from({ length: 25 }, () => limiter.take('user:small', bucket)));
    const again = await Promise.all(Array.from({ length: 25 }, () => limiter.take('user:small', bucket)));

    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(19);
    expect(again.some((decision) => decision.allowed)).toBe(false);
    expect(again[0]).toMatchObject({ remaining: 0, retryAfterSeconds: 1000 });
    expect(scriptCalls()).toBe(50);
  });
});
