import type { FastifyReply, FastifyRequest } from 'fastify';
import { UnauthenticatedError } from '@bankshop/contracts';
import type { JwtVerifier } from '@bankshop/auth';
import type { RateLimiter } from '../rate-limit/rate-limiter.ts';
import type { BucketPolicy } from '../rate-limit/token-bucket.ts';
import { RateLimitedError, sendProblem } from './problems.ts';

/** Probes and the key set services fetch are never limited (nor counted against anyone). */
const EXEMPT = /^\/(health\/|\.well-known\/)/;
const AUTH_ROUTES = /^\/api\/auth\/(login|register)\/?(\?|$)/;

export interface EdgePolicies {
  standard: BucketPolicy;
  auth: BucketPolicy;
}

/**
 * The gateway's first step for every request (a Fastify `onRequest` hook, before any body is
 * read): identify the caller and apply the rate limit.
 *
 * - A bearer token, when present, is verified here: a bad one is refused at the edge with 401,
 *   and a good one makes the user (not their IP) the key of the bucket. Services verify it again.
 * - Login and register have their own, stricter bucket per IP.
 * - Every answer carries `RateLimit-Policy` and `RateLimit` (IETF ratelimit-headers draft);
 *   a refused one also `Retry-After`.
 */
export function edgeHook(deps: { limiter: RateLimiter; verifier: JwtVerifier; policies: EdgePolicies }) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (EXEMPT.test(request.url)) return undefined;

    // A bad token is refused, but only after it has been counted against the caller's IP:
    // otherwise guessing tokens would be the one thing the gateway does not limit.
    let caller = `ip:${request.ip}`;
    let refusal: unknown;
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      try {
        caller = `user:${(await deps.verifier.verify(bearerToken(authorization))).id}`;
      } catch (error) {
        refusal = error;
      }
    }

    const isAuthRoute = request.method === 'POST' && AUTH_ROUTES.test(request.url);
    const policy = isAuthRoute ? deps.policies.auth : deps.policies.standard;
    const decision = await deps.limiter.take(isAuthRoute ? `ip:${request.ip}` : caller, policy);
    const windowSeconds = Math.ceil(policy.capacity / policy.refillPerSecond);
    reply.header('RateLimit-Policy', `"${policy.name}";q=${policy.capacity};w=${windowSeconds}`);
    reply.header('RateLimit', `"${policy.name}";r=${decision.remaining};t=${decision.resetSeconds}`);
    if (!decision.allowed) return sendProblem(request, reply, new RateLimitedError(decision.retryAfterSeconds));
    if (refusal !== undefined) return sendProblem(request, reply, refusal);
    return undefined;
  };
}

function bearerToken(header: string): string {
  const match = /^Bearer ([^\s]+)$/i.exec(header);
  if (!match?.[1]) throw new UnauthenticatedError();
  return match[1];
}
