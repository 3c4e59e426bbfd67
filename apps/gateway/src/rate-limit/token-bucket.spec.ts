import { describe, expect, it } from 'vitest';
import { takeToken, type BucketPolicy } from './token-bucket.ts';

const policy: BucketPolicy = { name: 'default', capacity: 3, refillPerSecond: 2 };

describe('takeToken (the in-memory twin of the Redis script)', () => {
  it('starts full and allows a burst of exactly its capacity', () => {
    let state;
    const allowed = [];
    for (let request = 0; request < 4; request += 1) {
      const result = takeToken(state, policy, 1_000);
      state = result.state;
      allowed.push(result.decision.allowed);
    }
    expect(allowed).toEqual([true, true, true, false]);
  });

  it('refills continuously at the configured rate', () => {
    let { state } = takeToken(undefined, policy, 0);
    ({ state } = takeToken(state, policy, 0));
    ({ state } = takeToken(state, policy, 0));
    expect(takeToken(state, policy, 0).decision.allowed).toBe(false);
    expect(takeToken(state, policy, 499).decision.allowed).toBe(false);
    expect(takeToken(state, policy, 500).decision.allowed).toBe(true);
  });

  it('never holds more than its capacity, however long it was idle', () => {
    const { decision } = takeToken({ tokens: 0, at: 0 }, policy, 3_600_000);
    expect(decision.remaining).toBe(2);
  });

  it('says how long to wait when refused, and when the bucket is full again', () => {
    const { decision } = takeToken({ tokens: 0.5, at: 0 }, policy, 0);
    expect(decision).toEqual({ allowed: false, remaining: 0, resetSeconds: 2, retryAfterSeconds: 1 });
  });
});
