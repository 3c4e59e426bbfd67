import { createPublicKey, randomUUID, type JsonWebKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_AUDIENCE, TEST_ISSUER, TestIdentityProvider } from '@bankshop/testing';
import { base64url, decodeJwt, expectProblem, GatewayWithAccount, handMadeJwt, http, NO_RATE_LIMITS, registerAndLogIn, type HttpAnswer, type ServiceUnderTest } from './support.ts';

/**
 * API.md "Auth": missing, expired, tampered, wrongly signed or `alg: none` tokens are a 401
 * UNAUTHENTICATED. Every bad token is tried at three doors: the gateway's own route, a proxied
 * route (refused at the gateway's edge), and a real service called directly (which must not rely
 * on the gateway having looked).
 *
 * The gateway signs with a test key (JWT_PRIVATE_KEY), so that tokens with exactly one defect
 * (expired, no exp, wrong issuer...) can be made with the real key.
 */
describe('tokens the gateway and the services refuse', () => {
  const identity = new TestIdentityProvider();
  const stranger = new TestIdentityProvider();
  const stack = new GatewayWithAccount();
  let gateway: ServiceUnderTest;
  let account: ServiceUnderTest;
  let customerToken: string;
  const authorizations = new Map<string, string>();

  beforeAll(async () => {
    await Promise.all([identity.start(), stranger.start()]);
    await stack.start({ env: { JWT_PRIVATE_KEY: identity.privateKeyPem, ...NO_RATE_LIMITS } });
    gateway = stack.gateway!;
    account = stack.account!;

    customerToken = await registerAndLogIn(gateway.url, '127.0.0.1');

    const publicJwk = ((await http(`${gateway.url}/.well-known/jwks.json`)).body as { keys: JsonWebKey[] }).keys[0]!;
    const publicPem = createPublicKey({ key: publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: randomUUID(), roles: ['admin'], iss: TEST_ISSUER, aud: TEST_AUDIENCE, iat: now, exp: now + 600 };
    const bearer = (token: string) => `Bearer ${token}`;

    authorizations.set('alg "none" (no signature at all)', bearer(handMadeJwt({ alg: 'none', typ: 'JWT', kid: identity.kid }, claims)));
    authorizations.set('HS256 with the RSA public key (SPKI PEM) as the HMAC secret', bearer(handMadeJwt({ alg: 'HS256', typ: 'JWT', kid: identity.kid }, claims, publicPem)));
    authorizations.set(
      'HS256 with the public JWK as JSON as the HMAC secret',
      bearer(handMadeJwt({ alg: 'HS256', typ: 'JWT', kid: identity.kid }, claims, JSON.stringify(publicJwk))),
    );
    authorizations.set('expired a minute ago', bearer(await identity.signRaw({ ...claims, roles: ['customer'], iat: now - 960, exp: now - 60 })));
    authorizations.set('without exp', bearer(await identity.signRaw({ sub: claims.sub, roles: ['customer'], iss: TEST_ISSUER, aud: TEST_AUDIENCE, iat: now })));
    authorizations.set('from another issuer', bearer(await identity.mint({}, { issuer: 'https://evil.example' })));
    authorizations.set('for another audience', bearer(await identity.mint({}, { audience: 'another-api' })));
    authorizations.set('signed by another RSA key with its own (unknown) kid', bearer(await stranger.mint({ roles: ['admin'] })));
    authorizations.set('signed by another RSA key claiming the real kid', bearer(await stranger.mint({ roles: ['admin'] }, { kid: identity.kid })));
    authorizations.set('a real token whose payload was edited to make the user an admin, signature kept', bearer(withRoles(customerToken, ['admin'])));
    authorizations.set(
      'a validly signed token of 10 kB',
      bearer(await identity.signRaw({ sub: claims.sub, roles: ['customer'], iss: TEST_ISSUER, aud: TEST_AUDIENCE, iat: now, exp: now + 600, pad: 'x'.repeat(7_500) })),
    );
    authorizations.set('garbage', 'Bearer this-is-not-a-jwt');
    authorizations.set('three dots of garbage', 'Bearer a.b.c');
    authorizations.set('"Bearer" with nothing after it', 'Bearer');
    authorizations.set('a valid token under the Basic scheme', `Basic ${customerToken}`);
    authorizations.set('user:password under the Basic scheme', `Basic ${Buffer.from('user:password').toString('base64')}`);
    authorizations.set('a valid token with no scheme', customerToken);
  });

  afterAll(async () => {
    await stack.stop();
    await Promise.all([identity.stop(), stranger.stop()]);
  });

  /** The same request at the three doors a token is checked at. */
  async function atEveryDoor(authorization: string): Promise<Record<string, HttpAnswer>> {
    const headers = { authorization };
    const [own, proxied, direct] = await Promise.all([
      http(`${gateway.url}/api/auth/me`, { headers }),
      http(`${gateway.url}/api/accounts`, { headers }),
      http(`${account.url}/api/accounts`, { headers }),
    ]);
    return { 'gateway GET /api/auth/me': own!, 'gateway GET /api/accounts': proxied!, 'account service GET /api/accounts': direct! };
  }

  it('accepts the real token at every door (so each refusal below is about the defect alone)', async () => {
    const answers = await atEveryDoor(`Bearer ${customerToken}`);

    expect(Object.fromEntries(Object.entries(answers).map(([door, answer]) => [door, answer.status]))).toEqual({
      'gateway GET /api/auth/me': 200,
      'gateway GET /api/accounts': 200,
      'account service GET /api/accounts': 200,
    });
  });

  it('counts the 10 kB token as at least 10 kB on the wire', () => {
    expect(authorizations.get('a validly signed token of 10 kB')!.length).toBeGreaterThanOrEqual(10_000);
  });

  const CASES = [
    'alg "none" (no signature at all)',
    'HS256 with the RSA public key (SPKI PEM) as the HMAC secret',
    'HS256 with the public JWK as JSON as the HMAC secret',
    'expired a minute ago',
    'without exp',
    'from another issuer',
    'for another audience',
    'signed by another RSA key with its own (unknown) kid',
    'signed by another RSA key claiming the real kid',
    'a real token whose payload was edited to make the user an admin, signature kept',
    'a validly signed token of 10 kB',
    'garbage',
    'three dots of garbage',
    '"Bearer" with nothing after it',
    'a valid token under the Basic scheme',
    'user:password under the Basic scheme',
    'a valid token with no scheme',
  ];

  it.each(CASES)('refuses %s with 401 UNAUTHENTICATED at the gateway and at the service', async (name) => {
    const authorization = authorizations.get(name);
    expect(authorization).toBeDefined();

    const answers = await atEveryDoor(authorization!);

    for (const [door, answer] of Object.entries(answers)) {
      expect({ door, status: answer.status, code: answer.body?.code }).toEqual({ door, status: 401, code: 'UNAUTHENTICATED' });
      expectProblem(answer, 401, 'UNAUTHENTICATED');
    }
  });

  it('refuses the admin-edited token on an admin route too (no privilege from an unsigned edit)', async () => {
    const headers = { authorization: authorizations.get('a real token whose payload was edited to make the user an admin, signature kept')! };

    expectProblem(await http(`${gateway.url}/api/admin/accounts`, { headers }), 401, 'UNAUTHENTICATED');
    expectProblem(await http(`${account.url}/api/admin/accounts`, { headers }), 401, 'UNAUTHENTICATED');
  });
});

/** The token with its payload's roles replaced, header and signature untouched. */
function withRoles(token: string, roles: string[]): string {
  const [header, , signature] = token.split('.');
  const { payload } = decodeJwt(token);
  return `${header}.${base64url(JSON.stringify({ ...payload, roles }))}.${signature}`;
}
