import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, GatewayReplicas, hammer, http, registerAndLogIn, uniqueLoopbackAddress, type HttpAnswer } from './support.ts';

const CAPACITY = 20;
const REFILL_PER_SEC = 10;
const AUTH_PER_MIN = 5;
const POLICY = `"default";q=${CAPACITY};w=${Math.ceil(CAPACITY / REFILL_PER_SEC)}`;
const RATE_LIMIT = /^"default";r=\d+;t=\d+$/;

/**
 * API.md "Rate limiting": a token bucket per user (per IP when anonymous), shared by every replica
 * through Redis, with a stricter bucket per IP for login and register. Two real gateway replicas
 * share one database and one Redis, as in production.
 *
 * Every caller here is new (a fresh user, or a fresh address on 127.0.0.0/8), so its bucket starts
 * full whatever else runs against the same Redis.
 */
describe('rate limiting across two gateway replicas sharing Redis', () => {
  let gateways: GatewayReplicas;

  beforeAll(async () => {
    gateways = await GatewayReplicas.create(2, {
      env: {
        RATE_LIMIT_CAPACITY: String(CAPACITY),
        RATE_LIMIT_REFILL_PER_SEC: String(REFILL_PER_SEC),
        AUTH_RATE_LIMIT_PER_MIN: String(AUTH_PER_MIN),
      },
    });
    await gateways.start();
  });

  afterAll(async () => {
    await gateways?.stop();
  });

  it('replicas sharing a database sign with one key: a token from one is accepted by the other', async () => {
    const [first, second] = gateways.urls;
    const token = await registerAndLogIn(first!, uniqueLoopbackAddress());

    const [firstKeys, secondKeys] = await Promise.all([http(`${first}/.well-known/jwks.json`), http(`${second}/.well-known/jwks.json`)]);

    expect(secondKeys.body).toEqual(firstKeys.body);
    expect((await http(`${second}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  // The bucket's own arithmetic: over any span it admits at most capacity + refill × span. The span
  // is measured from the first request sent to the last answer received, so it is never shorter
  // than the one Redis saw; 5 % above covers rounding, and 80 % below says it is not over-strict.
  it('lets one user through both replicas at capacity + refill × time, no more and hardly less', async () => {
    const token = await registerAndLogIn(gateways.urls[0]!, uniqueLoopbackAddress());

    const { answers, elapsedSeconds } = await hammer(gateways.urls, '/api/auth/me', { authorization: `Bearer ${token}` }, 5_000);

    const accepted = answers.filter((answer) => answer.status === 200).length;
    const allowed = CAPACITY + REFILL_PER_SEC * elapsedSeconds;
    console.info(`rate limit: ${accepted} of ${answers.length} accepted in ${elapsedSeconds.toFixed(2)} s; the bucket allows ${allowed.toFixed(1)}`);
    expect(accepted).toBeLessThanOrEqual(allowed * 1.05);
    expect(accepted).toBeGreaterThanOrEqual(allowed * 0.8);
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([200, 429]));
    for (const answer of answers) {
      expect(answer.headers['ratelimit-policy']).toBe(POLICY);
      expect(answer.headers.ratelimit).toMatch(RATE_LIMIT);
    }
    for (const refused of answers.filter((answer) => answer.status === 429)) {
      expectProblem(refused, 429, 'RATE_LIMITED');
      expect(refused.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    }
  });

  describe('every answer carries RateLimit-Policy and RateLimit', () => {
    let token: string;
    const address = uniqueLoopbackAddress();

    beforeAll(async () => {
      token = await registerAndLogIn(gateways.urls[0]!, uniqueLoopbackAddress());
    });

    const calls: Record<string, (gateway: string) => Promise<HttpAnswer>> = {
      '200 from its own route': (gateway) => http(`${gateway}/api/auth/me`, { headers: { authorization: `Bearer ${token}` }, localAddress: address }),
      '404 for an unknown route': (gateway) => http(`${gateway}/api/nope`, { headers: { authorization: `Bearer ${token}` }, localAddress: address }),
      '503 from an unreachable upstream': (gateway) => http(`${gateway}/api/accounts`, { headers: { authorization: `Bearer ${token}` }, localAddress: address }),
      '401 for a missing token': (gateway) => http(`${gateway}/api/auth/me`, { localAddress: address }),
      '401 for a bad token': (gateway) => http(`${gateway}/api/auth/me`, { headers: { authorization: 'Bearer garbage' }, localAddress: address }),
    };

    it.each(Object.keys(calls))('%s', async (name) => {
      const answer = await calls[name]!(gateways.urls[1]!);

      expect(answer.status).toBe(Number(name.slice(0, 3)));
      expect(answer.headers['ratelimit-policy']).toBe(POLICY);
      expect(answer.headers.ratelimit).toMatch(RATE_LIMIT);
    });
  });

  it('limits anonymous callers per IP: one address runs out while another is still served, and so is a user on the first', async () => {
    const exhausted = uniqueLoopbackAddress();
    const other = uniqueLoopbackAddress();
    const token = await registerAndLogIn(gateways.urls[0]!, uniqueLoopbackAddress());

    const { answers, elapsedSeconds } = await hammer(gateways.urls, '/api/nope', {}, 1_000, exhausted);
    const fromOther = await http(`${gateways.urls[0]}/api/nope`, { localAddress: other });
    const userOnExhausted = await http(`${gateways.urls[1]}/api/auth/me`, { headers: { authorization: `Bearer ${token}` }, localAddress: exhausted });

    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expectProblem(refused[0]!, 429, 'RATE_LIMITED');
    expect(answers.filter((answer) => answer.status === 404).length).toBeLessThanOrEqual((CAPACITY + REFILL_PER_SEC * elapsedSeconds) * 1.05);
    expect(fromOther.status).toBe(404);
    expect(userOnExhausted.status).toBe(200);
  });

  it('limits callers with a bad token per IP too (a refused token must not mean unlimited attempts)', async () => {
    const address = uniqueLoopbackAddress();

    const { answers, elapsedSeconds } = await hammer(gateways.urls, '/api/auth/me', { authorization: 'Bearer garbage' }, 1_000, address);

    expect(answers.filter((answer) => answer.status === 401).length).toBeLessThanOrEqual((CAPACITY + REFILL_PER_SEC * elapsedSeconds) * 1.05);
    expect(answers.filter((answer) => answer.status === 429).length).toBeGreaterThan(0);
  });

  it(`gives login its own bucket per IP (${AUTH_PER_MIN} a minute): the next login is refused even with the right password, other routes still pass`, async () => {
    const address = uniqueLoopbackAddress();
    const email = `limited-${randomUUID()}@example.test`;
    const password = 'long-enough-password';
    const [first, second] = gateways.urls;
    await registerAndLogIn(first!, uniqueLoopbackAddress(), { email, password });
    const login = (gateway: string) =>
      http(`${gateway}/api/auth/login`, { method: 'POST', localAddress: address, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });

    const allowed: HttpAnswer[] = [];
    for (let attempt = 0; attempt < AUTH_PER_MIN; attempt += 1) allowed.push(await login(attempt % 2 === 0 ? first! : second!));
    const refused = await login(second!);
    const token = allowed[0]!.body.accessToken as string;
    const elsewhere = await http(`${first}/api/auth/me`, { headers: { authorization: `Bearer ${token}` }, localAddress: address });
    const anonymous = await http(`${second}/api/nope`, { localAddress: address });

    expect(allowed.map((answer) => answer.status)).toEqual(Array(AUTH_PER_MIN).fill(200));
    expectProblem(refused, 429, 'RATE_LIMITED');
    expect(refused.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(refused.headers['ratelimit-policy']).toBe(`"auth";q=${AUTH_PER_MIN};w=60`);
    expect(elsewhere.status).toBe(200);
    expect(anonymous.status).toBe(404);
  });
});
