import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayWithAccount, http, NO_RATE_LIMITS, registerAndLogIn, type HttpAnswer, type ServiceUnderTest } from './support.ts';

const SHOP = 'https://shop.example';
const EVIL = 'https://evil.example';

/** Security headers (helmet) and CORS, on the gateway's own answers, proxied ones and refusals. */
describe('security headers and CORS at the edge', () => {
  const stack = new GatewayWithAccount();
  let gateway: ServiceUnderTest;
  let token: string;

  beforeAll(async () => {
    await stack.start({ env: { CORS_ORIGINS: SHOP, ...NO_RATE_LIMITS } });
    gateway = stack.gateway!;
    token = await registerAndLogIn(gateway.url, '127.0.0.1');
  });

  afterAll(async () => {
    await stack.stop();
  });

  describe('helmet', () => {
    const answers: Record<string, () => Promise<HttpAnswer>> = {
      'its own route (200)': () => http(`${gateway.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } }),
      'a real service’s answer (200)': () => http(`${gateway.url}/api/accounts`, { headers: { authorization: `Bearer ${token}` } }),
      'an unknown /api route (404)': () => http(`${gateway.url}/api/nope`),
      'a path outside /api (404)': () => http(`${gateway.url}/internal/holds`),
      'a bad token refused at the edge (401)': () => http(`${gateway.url}/api/accounts`, { headers: { authorization: 'Bearer garbage' } }),
      'an unreachable upstream (503)': () => http(`${gateway.url}/api/orders`),
    };

    it.each(Object.keys(answers))('sets nosniff, frame and referrer protection on %s', async (name) => {
      const answer = await answers[name]!();

      expect(answer.status).toBe(Number(/\((\d{3})\)/.exec(name)?.[1]));
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['x-frame-options'] ?? answer.headers['content-security-policy']).toMatch(/SAMEORIGIN|DENY|frame-ancestors/i);
      expect(answer.headers['referrer-policy']).toBeDefined();
      expect(answer.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(answer.headers).not.toHaveProperty('x-powered-by');
    });
  });

  describe('CORS (CORS_ORIGINS=https://shop.example)', () => {
    function preflight(origin: string): Promise<HttpAnswer> {
      return http(`${gateway.url}/api/accounts`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, idempotency-key' },
      });
    }

    it('allows a preflight from the configured origin, for the method and headers it asks for', async () => {
      const answer = await preflight(SHOP);

      expect(answer.status).toBeLessThan(300);
      expect(answer.headers['access-control-allow-origin']).toBe(SHOP);
      expect(String(answer.headers['access-control-allow-methods'])).toMatch(/\bPOST\b/);
      expect(String(answer.headers['access-control-allow-headers']).toLowerCase()).toEqual(expect.stringContaining('idempotency-key'));
      expect(String(answer.headers['access-control-allow-headers']).toLowerCase()).toEqual(expect.stringContaining('authorization'));
      expect(String(answer.headers.vary)).toMatch(/origin/i);
    });

    it.each(['preflight', 'GET'])('exposes RateLimit, RateLimit-Policy, Retry-After and X-Request-Id to the configured origin (%s)', async (kind) => {
      const answer =
        kind === 'preflight' ? await preflight(SHOP) : await http(`${gateway.url}/api/accounts`, { headers: { origin: SHOP, authorization: `Bearer ${token}` } });

      const exposed = String(answer.headers['access-control-expose-headers']).toLowerCase().split(/\s*,\s*/);
      expect(exposed).toEqual(expect.arrayContaining(['ratelimit', 'ratelimit-policy', 'retry-after', 'x-request-id']));
      expect(answer.headers['access-control-allow-origin']).toBe(SHOP);
    });

    it('does not allow a preflight, nor an answer, to another origin', async () => {
      const refusedPreflight = await preflight(EVIL);
      const answer = await http(`${gateway.url}/api/accounts`, { headers: { origin: EVIL, authorization: `Bearer ${token}` } });

      expect(refusedPreflight.headers).not.toHaveProperty('access-control-allow-origin');
      expect(answer.headers).not.toHaveProperty('access-control-allow-origin');
    });
  });
});
