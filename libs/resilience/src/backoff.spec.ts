import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { backoffDelay } from './backoff.ts';

const options = { baseMs: 100, maxMs: 1_000 };

/** The largest value `Math.random` can return. */
const ALMOST_ONE = 1 - Number.EPSILON;

describe('backoffDelay', () => {
  it('draws the delay from the random source it is given, once per call', () => {
    const random = vi.fn(() => 0.25);

    expect(backoffDelay(2, options, random)).toBe(100);
    expect(random).toHaveBeenCalledTimes(1);
  });

  it('can be as short as zero (full jitter, not "half" or "equal" jitter)', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(0);
  });

  it.each([
    { attempt: 0, ceiling: 100 },
    { attempt: 1, ceiling: 200 },
    { attempt: 2, ceiling: 400 },
    { attempt: 3, ceiling: 800 },
  ])('doubles the ceiling with each attempt: attempt $attempt waits less than $ceiling ms', ({ attempt, ceiling }) => {
    expect(backoffDelay(attempt, options, () => ALMOST_ONE)).toBe(ceiling - 1);
    expect(backoffDelay(attempt, options, () => 0.5)).toBe(ceiling / 2);
  });

  it('never exceeds maxMs, however many attempts failed', () => {
    expect(backoffDelay(4, options, () => ALMOST_ONE)).toBe(999);
    expect(backoffDelay(50, options, () => 0.5)).toBe(500);
    expect(backoffDelay(5_000, options, () => ALMOST_ONE)).toBe(999);
  });

  it('returns whole milliseconds', () => {
    expect(backoffDelay(0, { baseMs: 3, maxMs: 10 }, () => 0.5)).toBe(1);
  });

  it('always lies in [0, min(maxMs, baseMs * 2^attempt)] for any random value in [0, 1)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 64 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseMs, maxMs, random) => {
          const delay = backoffDelay(attempt, { baseMs, maxMs }, () => random);

          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(Math.min(maxMs, baseMs * 2 ** attempt));
        },
      ),
    );
  });

  it('spreads retries over the whole range instead of synchronising them', () => {
    const delays = new Set(Array.from({ length: 10 }, (_, index) => backoffDelay(3, options, () => index / 10)));

    expect([...delays].sort((a, b) => a - b)).toEqual([0, 80, 160, 240, 320, 400, 480, 560, 640, 720]);
  });

  it('uses Math.random when no random source is given', () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      expect(backoffDelay(1, options)).toBe(100);
      expect(random).toHaveBeenCalledTimes(1);
    } finally {
      random.mockRestore();
    }
  });
});
