import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, UpstreamUnavailableError } from '@bankshop/contracts';
import { toProblemDetails } from '@bankshop/platform';

const logger = new Logger('Edge');

export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';

  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests. Retry in ${retryAfterSeconds} s.`);
  }
}

/**
 * Answers with a problem+json document from the Fastify side of the gateway (its hooks and the
 * proxy, which run outside Nest's exception filter), exactly as the filter would.
 */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const path = request.url.split('?')[0] ?? '/';
  const problem = toProblemDetails(error, { method: request.method, path });
  if (problem.code === 'INTERNAL_ERROR') logger.error({ err: error, path, traceId: problem.traceId }, 'request failed');
  if (error instanceof UpstreamUnavailableError || error instanceof RateLimitedError) {
    reply.header('Retry-After', String(error.retryAfterSeconds));
  }
  return reply.code(problem.status).header('Content-Type', 'application/problem+json').send(JSON.stringify(problem));
}
