import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey, type CryptoKey, type JWTPayload } from 'jose';
import { UnauthenticatedError, UpstreamUnavailableError } from '@bankshop/contracts';
import { ROLES, type AuthenticatedUser, type Role } from './authenticated-user.ts';

export interface JwtVerifierOptions {
  /** Where the gateway publishes its public keys, e.g. `http://gateway:3000/.well-known/jwks.json`. */
  jwksUrl: string;
  issuer: string;
  audience: string;
}

/**
 * The only algorithm a token may be signed with. Naming it explicitly is what defeats the classic
 * attacks: `alg: none`, and HS256 "signed" with the RSA public key as an HMAC secret.
 */
export const ACCEPTED_ALGORITHMS = ['RS256'];

/** Far beyond any token we issue; refusing bigger input bounds the work an attacker can cause. */
export const MAX_TOKEN_LENGTH = 4096;

/**
 * Verifies access tokens issued by the gateway. Every service verifies every request itself
 * (public keys only), so nothing trusts the network or the gateway's word.
 *
 * Keys come from the gateway's JWKS: fetched on first use, cached, and fetched again when a token
 * names a key id we have not seen (the gateway rotated its key), at most once per cooldown.
 */
export class JwtVerifier {
  private readonly keys: JWTVerifyGetKey | CryptoKey;

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
  }

  async verify(token: string): Promise<AuthenticatedUser> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw new UnauthenticatedError();
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys as JWTVerifyGetKey, {
        algorithms: ACCEPTED_ALGORITHMS,
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: 5,
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
    return toUser(payload);
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
  return {
    id: payload.sub,
    email: typeof payload.email === 'string' ? payload.email : undefined,
    roles,
  };
}
