import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '@bankshop/testing';
import { startRedis, stopRedis } from '../../../../scripts/infra/up.ts';
import { eventually, expectProblem, GatewayReplicas, hammer, registerAndLogIn, uniqueLoopbackAddress, type HttpAnswer } from '../support.ts';

const CAPACITY = 20;
const REFILL_PER_SEC = 10;

/**
 * README "Rate limiting": if Redis cannot answer, each replica falls back to buckets of its own in
 * memory, limited per replica and never unlimited.
 *
 * Stops the real Redis, so it runs alone, after every other suite (`npm run test:outage`), never
 * in parallel with them.
 */
describe('rate limiting while Redis is down (two gateway replicas)', () => {
  let gateways: GatewayReplicas;

  beforeAll(async () => {
    gateways = await GatewayReplicas.create(2, {
      env: { RATE_LIMIT_CAPACITY: String(CAPACITY), RATE_LIMIT_REFILL_PER_SEC: String(REFILL_PER_SEC), AUTH_RATE_LIMIT_PER_MIN: '100000' },
    });
    await gateways.start();
  });

  afterAll(async () => {
    await startRedis();
    await gateways?.stop();
  });

  function acceptedBy(answers: (HttpAnswer & { url: string })[], url: string): number {
    return answers.filter((answer) => answer.url === url && answer.status === 200).length;
  }

  it('limits each replica on its own, in memory: about capacity + refill × time each, never unlimited', async () => {
    const token = await registerAndLogIn(gateways.urls[0]!, uniqueLoopbackAddress());
    const stopped = await stopRedis();
    if (!stopped) {
      throw new Error('stopRedis() returned false: it only stops a Redis that `npm run infra:up` started. Stop yours, run `npm run infra:up`, and try again.');
    }
    // Both replicas have noticed: their readiness probe, which pings Redis, fails.
    expect(await eventually(async () => (await Promise.all(gateways.replicas.map(readiness))).every((status) => status === 503), 15_000, 200)).toBe(true);

    const { answers, elapsedSeconds } = await hammer(gateways.urls, '/api/auth/me', { authorization: `Bearer ${token}` }, 3_000);

    const allowedPerReplica = CAPACITY + REFILL_PER_SEC * elapsedSeconds;
    const accepted = gateways.urls.map((url) => acceptedBy(answers, url));
    console.info(`redis down: accepted ${accepted.join(' + ')} of ${answers.length} in ${elapsedSeconds.toFixed(2)} s; each replica allows ${allowedPerReplica.toFixed(1)}`);
    for (const count of accepted) {
      expect(count).toBeLessThanOrEqual(allowedPerReplica * 1.05);
      expect(count).toBeGreaterThanOrEqual(allowedPerReplica * 0.8);
    }
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([200, 429]));
    for (const refused of answers.filter((answer) => answer.status === 429)) {
      expectProblem(refused, 429, 'RATE_LIMITED');
      expect(refused.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    }
    for (const answer of answers) expect(answer.headers['ratelimit-policy']).toBe(`"default";q=${CAPACITY};w=2`);
  });

  it('shares one bucket between the replicas again once Redis is back', async () => {
    await startRedis();
    expect(await eventually(async () => (await Promise.all(gateways.replicas.map(readiness))).every((status) => status === 200), 15_000, 200)).toBe(true);
    const token = await registerAndLogIn(gateways.urls[1]!, uniqueLoopbackAddress());

    const { answers, elapsedSeconds } = await hammer(gateways.urls, '/api/auth/me', { authorization: `Bearer ${token}` }, 3_000);

    const allowed = CAPACITY + REFILL_PER_SEC * elapsedSeconds;
    const accepted = answers.filter((answer) => answer.status === 200).length;
    console.info(`redis back: accepted ${accepted} of ${answers.length} in ${elapsedSeconds.toFixed(2)} s; the shared bucket allows ${allowed.toFixed(1)}`);
    expect(accepted).toBeLessThanOrEqual(allowed * 1.05);
    expect(accepted).toBeGreaterThanOrEqual(allowed * 0.8);
  });
});

function readiness(replica: ServiceProcess): Promise<number> {
  return replica.probe('ready');
}
