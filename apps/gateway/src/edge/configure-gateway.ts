import type { INestApplication } from '@nestjs/common';
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { createLocalJWKSet } from 'jose';
import { JwtVerifier } from '@bankshop/auth';
import { GatewayConfig } from '../config/gateway.config.ts';
import { setUpApiDocs } from '../openapi/api-docs.ts';
import { proxyPlugin } from '../proxy/proxy.plugin.ts';
import { Upstreams } from '../proxy/upstreams.ts';
import { RateLimiter } from '../rate-limit/rate-limiter.ts';
import { SigningKeys } from '../tokens/signing-keys.ts';
import { edgeHook } from './edge-hooks.ts';

/**
 * The edge, in the order a request meets it (see README.md for why this order):
 *
 * 1. request id and `traceparent` (platform middleware, before everything);
 * 2. security headers (helmet) and CORS;
 * 3. caller identification and rate limiting (`onRequest`, before any body is read);
 * 4. the gateway's own routes (auth, JWKS, health, the API docs) or the proxy to a service.
 */
export async function configureGateway(app: INestApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const config = app.get(GatewayConfig);
  const keys = app.get(SigningKeys);

  await fastify.register(fastifyHelmet, {
    // An API answers JSON; the one HTML page (the OpenAPI viewer) needs its own scripts.
    contentSecurityPolicy: false,
  });
  const origins = config.CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean);
  if (origins.length > 0) {
    await fastify.register(fastifyCors, {
      origin: origins,
      exposedHeaders: ['RateLimit', 'RateLimit-Policy', 'Retry-After', 'X-Request-Id', 'traceparent', 'Idempotent-Replayed'],
    });
  }

  // The gateway checks its own tokens with its own keys: no JWKS round trip to itself.
  const verifier = new JwtVerifier(
    { jwksUrl: 'local:', issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
    (header, token) => createLocalJWKSet(keys.jwks())(header, token),
  );
  fastify.addHook(
    'onRequest',
    edgeHook({
      limiter: app.get(RateLimiter),
      verifier,
      policies: {
        standard: { name: 'default', capacity: config.RATE_LIMIT_CAPACITY, refillPerSecond: config.RATE_LIMIT_REFILL_PER_SEC },
        auth: { name: 'auth', capacity: config.AUTH_RATE_LIMIT_PER_MIN, refillPerSecond: config.AUTH_RATE_LIMIT_PER_MIN / 60 },
      },
    }),
  );
  await fastify.register(proxyPlugin(app.get(Upstreams), config.BREAKER_RESET_TIMEOUT_MS));
  setUpApiDocs(app);
}
