import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createLocalJWKSet,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UnauthenticatedError, UpstreamUnavailableError } from '@bankshop/contracts';
import { JwtVerifier, MAX_TOKEN_LENGTH, VERIFIED_TOKEN_CACHE_SIZE } from './jwt-verifier.ts';

const ISSUER = 'bankshop-gateway';
const AUDIENCE = 'bankshop';
const KID = 'gateway-key-1';
const USER_ID = '5b0e7b8a-3c1d-4f8e-9a2b-6c7d8e9f0a1b';

const options = { jwksUrl: 'http://127.0.0.1:1/unused', issuer: ISSUER, audience: AUDIENCE };

let privateKey: CryptoKey;
let publicKey: CryptoKey;
let publicJwk: JWK;
let localKeys: JWTVerifyGetKey;
let verifier: JwtVerifier;

interface TokenOptions {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  /** Seconds from now; negative for a token that has expired. */
  expiresIn?: number;
  issuer?: string;
  audience?: string;
  key?: CryptoKey;
}

/** A token as the gateway issues it, with whatever the test changes. */
async function token({
  claims = { email: 'ada@example.com', roles: ['customer'] },
  header = {},
  expiresIn = 900,
  issuer = ISSUER,
  audience = AUDIENCE,
  key = privateKey,
}: TokenOptions = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT', ...header })
    .setSubject(USER_ID)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
    .sign(key);
}

/** Signs exactly the claims given, so a test can leave out ones the builder above always sets. */
async function tokenWithClaims(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: KID }).sign(privateKey);
}

function base64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

function validClaims(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub: USER_ID, iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 900, roles: ['admin'] };
}

/** Resolves to the UnauthenticatedError `verify` rejects with; fails the test on anything else. */
async function rejection(candidate: string, by: JwtVerifier = verifier): Promise<UnauthenticatedError> {
  const error: unknown = await by.verify(candidate).then(
    () => new Error('expected the token to be rejected'),
    (reason: unknown) => reason,
  );
  if (!(error instanceof UnauthenticatedError)) throw error;
  return error;
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  publicKey = pair.publicKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  localKeys = createLocalJWKSet({ keys: [publicJwk] });
  verifier = new JwtVerifier(options, localKeys);
});

describe('JwtVerifier accepts', () => {
  it('a valid token, as the caller it proves', async () => {
    await expect(verifier.verify(await token())).resolves.toEqual({
      id: USER_ID,
      email: 'ada@example.com',
      roles: ['customer'],
    });
  });

  it('an admin token with its role', async () => {
    const user = await verifier.verify(await token({ claims: { roles: ['admin'] } }));

    expect(user.roles).toEqual(['admin']);
  });

  it('a token without an email, leaving the email undefined', async () => {
    const user = await verifier.verify(await token({ claims: { roles: ['customer'] } }));

    expect(user.email).toBeUndefined();
  });

  it('a token that expired within the 5 s allowed for clock skew', async () => {
    await expect(verifier.verify(await token({ expiresIn: -2 }))).resolves.toMatchObject({ id: USER_ID });
  });

  it('a key given directly instead of a key set', async () => {
    const pair = await generateKeyPair('RS256');
    const direct = new JwtVerifier(options, pair.publicKey);

    await expect(direct.verify(await token({ key: pair.privateKey }))).resolves.toMatchObject({ id: USER_ID });
  });
});

describe('JwtVerifier rejects with UNAUTHENTICATED', () => {
  it('a token with alg "none" and no signature', async () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(validClaims())}.`;

    const error = await rejection(unsigned);

    expect(error.code).toBe('UNAUTHENTICATED');
  });

  it('a token signed with HS256 using the RSA public key as the HMAC secret', async () => {
    const publicKeyPem = await exportSPKI(publicKey);
    const forged = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'HS256', kid: KID })
      .sign(new TextEncoder().encode(publicKeyPem));

    expect((await rejection(forged)).code).toBe('UNAUTHENTICATED');
  });

  it('an expired token, saying so', async () => {
    const error = await rejection(await token({ expiresIn: -60 }));

    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toBe('The access token has expired.');
  });

  it('a token without "exp", which would never expire', async () => {
    const { exp: _exp, ...claims } = validClaims();

    expect((await rejection(await tokenWithClaims(claims))).code).toBe('UNAUTHENTICATED');
  });

  it('a token without "sub"', async () => {
    const { sub: _sub, ...claims } = validClaims();

    expect((await rejection(await tokenWithClaims(claims))).code).toBe('UNAUTHENTICATED');
  });

  it('a token with an empty "sub"', async () => {
    expect((await rejection(await tokenWithClaims({ ...validClaims(), sub: '' }))).code).toBe('UNAUTHENTICATED');
  });

  it('a token without "iat"', async () => {
    const { iat: _iat, ...claims } = validClaims();

    expect((await rejection(await tokenWithClaims(claims))).code).toBe('UNAUTHENTICATED');
  });

  it('a token that is not valid yet ("nbf" in the future)', async () => {
    const claims = { ...validClaims(), nbf: Math.floor(Date.now() / 1000) + 600 };

    expect((await rejection(await tokenWithClaims(claims))).code).toBe('UNAUTHENTICATED');
  });

  it('a token from another issuer', async () => {
    expect((await rejection(await token({ issuer: 'https://evil.example' }))).code).toBe('UNAUTHENTICATED');
  });

  it('a token for another audience', async () => {
    expect((await rejection(await token({ audience: 'another-system' }))).code).toBe('UNAUTHENTICATED');
  });

  it('a token naming a key id that is not in the key set', async () => {
    expect((await rejection(await token({ header: { kid: 'unknown-key' } }))).code).toBe('UNAUTHENTICATED');
  });

  it('a token signed by another key under the trusted key id', async () => {
    const stranger = await generateKeyPair('RS256');

    expect((await rejection(await token({ key: stranger.privateKey }))).code).toBe('UNAUTHENTICATED');
  });

  it('a tampered token: a claim changed, the signature kept', async () => {
    const [header, payload, signature] = (await token()).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = `${header}.${base64url({ ...claims, roles: ['admin'] })}.${signature}`;

    expect((await rejection(tampered)).code).toBe('UNAUTHENTICATED');
  });

  it(`a token longer than MAX_TOKEN_LENGTH (${MAX_TOKEN_LENGTH})`, async () => {
    const padded = await token({ claims: { roles: ['customer'], padding: 'x'.repeat(MAX_TOKEN_LENGTH) } });
    expect(padded.length).toBeGreaterThan(MAX_TOKEN_LENGTH);

    expect((await rejection(padded)).code).toBe('UNAUTHENTICATED');
  });

  it.each([
    { what: 'garbage', candidate: 'not-a-jwt' },
    { what: 'three garbage segments', candidate: 'abc.def.ghi' },
    { what: 'a header that is not JSON', candidate: `${base64url('nope')}.${base64url(validClaims())}.c2ln` },
  ])('$what', async ({ candidate }) => {
    expect((await rejection(candidate)).code).toBe('UNAUTHENTICATED');
  });

  it('an empty string', async () => {
    expect((await rejection('')).code).toBe('UNAUTHENTICATED');
  });

  it('a token without roles (the gateway always issues at least one)', async () => {
    expect((await rejection(await token({ claims: {} }))).code).toBe('UNAUTHENTICATED');
    expect((await rejection(await token({ claims: { roles: [] } }))).code).toBe('UNAUTHENTICATED');
  });

  it('a "roles" claim with a role that does not exist', async () => {
    expect((await rejection(await token({ claims: { roles: ['customer', 'superuser'] } }))).code).toBe(
      'UNAUTHENTICATED',
    );
  });
});

describe('JwtVerifier remembers tokens it verified', () => {
  /** The local key set, counting how often a signature check asked it for a key. */
  function countingKeys(): { keys: JWTVerifyGetKey; lookups: () => number } {
    let lookups = 0;
    const keys: JWTVerifyGetKey = (header, input) => {
      lookups += 1;
      return localKeys(header, input);
    };
    return { keys, lookups: () => lookups };
  }

  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers the same token again without checking its signature again', async () => {
    const { keys, lookups } = countingKeys();
    const remembering = new JwtVerifier(options, keys);
    const candidate = await token();

    const first = await remembering.verify(candidate);
    const second = await remembering.verify(candidate);

    expect(second).toEqual(first);
    expect(lookups()).toBe(1);
  });

  it('checks every token in full when told to remember none', async () => {
    const { keys, lookups } = countingKeys();
    const forgetful = new JwtVerifier({ ...options, cacheSize: 0 }, keys);
    const candidate = await token();

    await forgetful.verify(candidate);
    await forgetful.verify(candidate);

    expect(lookups()).toBe(2);
  });

  it('stops accepting a remembered token once it has expired (after the clock tolerance)', async () => {
    const remembering = new JwtVerifier(options, localKeys);
    const candidate = await token({ expiresIn: 60 });
    await remembering.verify(candidate);

    vi.useFakeTimers({ now: Date.now() + 66_000, toFake: ['Date'] });

    expect((await rejection(candidate, remembering)).message).toBe('The access token has expired.');
  });

  it('does not carry a verdict over to a tampered copy of a remembered token', async () => {
    const remembering = new JwtVerifier(options, localKeys);
    const candidate = await token();
    await remembering.verify(candidate);
    const [header, , signature] = candidate.split('.');

    const tampered = `${header}.${base64url({ ...validClaims(), roles: ['admin'] })}.${signature}`;

    expect((await rejection(tampered, remembering)).code).toBe('UNAUTHENTICATED');
  });

  it('does not remember a token it refused: the same string is refused again', async () => {
    const { keys, lookups } = countingKeys();
    const remembering = new JwtVerifier(options, keys);
    const expired = await token({ expiresIn: -60 });

    await rejection(expired, remembering);
    await rejection(expired, remembering);

    expect(lookups()).toBe(2);
  });

  it('keeps at most its cache size, forgetting the oldest token first', async () => {
    const { keys, lookups } = countingKeys();
    const small = new JwtVerifier({ ...options, cacheSize: 2 }, keys);
    const [a, b, c] = await Promise.all([token({ claims: { roles: ['customer'], n: 1 } }), token({ claims: { roles: ['customer'], n: 2 } }), token({ claims: { roles: ['customer'], n: 3 } })]);
    for (const candidate of [a, b, c]) await small.verify(candidate!);
    expect(lookups()).toBe(3);

    await small.verify(c!);
    await small.verify(b!);
    expect(lookups()).toBe(3);
    await small.verify(a!);
    expect(lookups()).toBe(4);
  });

  it('hands out a frozen user, so one request cannot change who the next one is', async () => {
    const user = await new JwtVerifier(options, localKeys).verify(await token());

    expect(Object.isFrozen(user)).toBe(true);
    expect(Object.isFrozen(user.roles)).toBe(true);
    expect(VERIFIED_TOKEN_CACHE_SIZE).toBeGreaterThan(0);
  });
});

describe('JwtVerifier with a remote key set', () => {
  let jwks: Server;
  let jwksUrl: string;
  let jwksAnswer: { status: number; body: string };

  beforeAll(async () => {
    jwks = createServer((_request, response) => {
      response.writeHead(jwksAnswer.status, { 'content-type': 'application/json' }).end(jwksAnswer.body);
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    jwks.closeAllConnections();
    await new Promise<void>((resolve) => jwks.close(() => resolve()));
  });

  it('fetches the public keys from jwksUrl', async () => {
    jwksAnswer = { status: 200, body: JSON.stringify({ keys: [publicJwk] }) };
    const remote = new JwtVerifier({ ...options, jwksUrl });

    await expect(remote.verify(await token())).resolves.toMatchObject({ id: USER_ID });
  });

  // The client's token may be perfectly fine; answering 401 would log every user out.
  it.each([
    { what: 'answers with an error status', answer: { status: 503, body: '{}' } },
    { what: 'answers with something that is not JSON', answer: { status: 200, body: '<html>' } },
    { what: 'answers with JSON that is not a key set', answer: { status: 200, body: '{"keys":"none"}' } },
  ])('does not blame the client when the key set endpoint $what', async ({ answer }) => {
    jwksAnswer = answer;
    const remote = new JwtVerifier({ ...options, jwksUrl });

    const error: unknown = await remote.verify(await token()).catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(UpstreamUnavailableError);
  });

  it('does not blame the client when the key set cannot be reached', async () => {
    const remote = new JwtVerifier({ ...options, jwksUrl: 'http://127.0.0.1:1/.well-known/jwks.json' });

    const error: unknown = await remote.verify(await token()).catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(UpstreamUnavailableError);
  });
});
