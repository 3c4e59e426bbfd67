import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey, type CryptoKey, type JWTPayload } from 'jose';
import { UnauthenticatedError, UpstreamUnavailableError } from '@bankshop/contracts';
import { ROLES, type AuthenticatedUser, type Role } from './authenticated-user.ts';

export interface JwtVerifierOptions {
  /** Where the gateway publishes its public keys, e.g. `http://gateway:3000/.well-known/jwks.json`. */
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** How many verified tokens to remember (default `VERIFIED_TOKEN_CACHE_SIZE`; 0 remembers none). */
  cacheSize?: number;
}

/**
 * The only algorithm a token may be signed with. Naming it explicitly is what defeats the classic
 * attacks: `alg: none`, and HS256 "signed" with the RSA public key as an HMAC secret.
 */
export const ACCEPTED_ALGORITHMS = ['RS256'];

/** Far beyond any token we issue; refusing bigger input bounds the work an attacker can cause. */
export const MAX_TOKEN_LENGTH = 4096;

/** Seconds of clock difference between the gateway and a service that `exp` and `nbf` allow. */
const CLOCK_TOLERANCE_S = 5;

/** Enough for every client active within a token's lifetime on one replica; about 10 MB at most. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/**
 * Verifies access tokens issued by the gateway. Every service verifies every request itself
 * (public keys only), so nothing trusts the network or the gateway's word.
 *
 * Keys come from the gateway's JWKS: fetched on first use, cached, and fetched again when a token
 * names a key id we have not seen (the gateway rotated its key), at most once per cooldown.
 *
 * A client sends the same token with every request until it expires, and checking an RS256
 * signature is most of what a request costs the gateway. So a token that passed is remembered,
 * exactly as it was sent, until its `exp` (with the same clock tolerance): the same string again
 * gets the same answer without the signature check, and any change to it is a different string
 * that is checked in full. Failures are never remembered. The price: a key withdrawn from the
 * JWKS stops working for tokens already seen only when they expire, which for our short-lived
 * access tokens is minutes.
 */
export class JwtVerifier {
  private readonly keys: JWTVerifyGetKey | CryptoKey;
  /** Verified tokens and who they prove, oldest first (a Map keeps insertion order). */
  private readonly verified = new Map<string, { user: AuthenticatedUser; until: number }>();
  private readonly cacheSize: number;

  constructor(
    private readonly options: JwtVerifierOptions,
    keys?: JWTVerifyGetKey | CryptoKey,
  ) {
    this.keys =
      keys ??
      createRemoteJWKSet(new URL(options.jwksUrl), {
        // Generous: a cold service under a burst of requests (or on a busy host) must not turn a
        // slow first key fetch into 503s; jose shares one fetch among all waiting requests.
        timeoutDuration: 5_000,
        cooldownDuration: 10_000,
        cacheMaxAge: 10 * 60_000,
      });
    this.cacheSize = options.cacheSize ?? VERIFIED_TOKEN_CACHE_SIZE;
  }

  async verify(token: string): Promise<AuthenticatedUser> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw new UnauthenticatedError();
    }
    const known = this.verified.get(token);
    if (known) {
      if (Date.now() < known.until) return known.user;
      this.verified.delete(token);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys as JWTVerifyGetKey, {
        algorithms: ACCEPTED_ALGORITHMS,
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: CLOCK_TOLERANCE_S,
      }));
    } catch (error) {
      // Expired, tampered, wrong key, wrong issuer: the client learns only that the token is not
      // acceptable. A JWKS fetch failure is ours, not the client's, and must not read as a 401.
      if (isTokenProblem(error)) {
        throw new UnauthenticatedError(describe(error));
      }
      // Anything else means the keys could not be loaded (the gateway is away or answered
      // nonsense): a 503 to retry, never a 401 telling every client its valid token is bad.
      throw new UpstreamUnavailableError('gateway');
    }
    const user = toUser(payload);
    this.remember(token, user, (payload.exp! + CLOCK_TOLERANCE_S) * 1000);
    return user;
  }

  private remember(token: string, user: AuthenticatedUser, until: number): void {
    if (this.cacheSize === 0 || until <= Date.now()) return;
    if (this.verified.size >= this.cacheSize) {
      // Evict the oldest entry: bounded memory, whatever tokens arrive.
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(token, { user, until });
  }
}

/**
 * jose reports a key set that could not be loaded (timeout, a non-200 answer, a body that is not
 * JSON or not a key set) as `JWKSTimeout`, `JWKSInvalid` or the generic `JOSEError`; every other
 * JOSE error is about the token itself.
 */
function isTokenProblem(error: unknown): error is errors.JOSEError {
  return (
    error instanceof errors.JOSEError &&
    !(error instanceof errors.JWKSTimeout) &&
    !(error instanceof errors.JWKSInvalid) &&
    error.code !== errors.JOSEError.code
  );
}

function describe(error: errors.JOSEError): string {
  return error instanceof errors.JWTExpired ? 'The access token has expired.' : 'The access token is not valid.';
}

function toUser(payload: JWTPayload): AuthenticatedUser {
  // The gateway always issues at least one role; a token without one was not made by it.
  const roles: unknown = payload.roles;
  if (
    !payload.sub ||
    !Array.isArray(roles) ||
    roles.length === 0 ||
    !roles.every((role): role is Role => (ROLES as readonly unknown[]).includes(role))
  ) {
    throw new UnauthenticatedError('The access token is not valid.');
  }
  // Frozen: the same object answers every later request with this token.
  return Object.freeze({
    id: payload.sub,
    email: typeof payload.email === 'string' ? payload.email : undefined,
    roles: Object.freeze([...roles]) as Role[],
  });
}
