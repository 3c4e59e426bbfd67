import { BadRequestException, HttpException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { QueryFailedError } from 'typeorm';
import { ForbiddenError } from '@bankshop/contracts';
import { toProblemDetails } from './problem-details.filter.ts';

const request = { method: 'POST', path: '/api/transfers' };

/** What Fastify throws for a body over its limit (FST_ERR_CTP_BODY_TOO_LARGE). */
function fastifyError(code: string, statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { code, statusCode });
}

describe('toProblemDetails', () => {
  it('keeps the message and code of a domain error', () => {
    const problem = toProblemDetails(new ForbiddenError('Admins only.'), request);
    expect(problem).toMatchObject({ status: 403, code: 'FORBIDDEN', detail: 'Admins only.' });
  });

  it('answers 413 PAYLOAD_TOO_LARGE for Fastify refusing a large body, not 500', () => {
    const problem = toProblemDetails(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'Request body is too large'), request);
    expect(problem).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers 400 VALIDATION_FAILED for Fastify refusing malformed JSON', () => {
    const problem = toProblemDetails(fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400, 'Body is not valid JSON'), request);
    expect(problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', detail: 'The request body is not valid JSON.' });
  });

  it('says nothing about the cause of an unexpected error, nor of a 5xx with a Fastify-like shape', () => {
    for (const error of [new Error('password=hunter2'), fastifyError('FST_ERR_SOMETHING', 500, 'secret')]) {
      const problem = toProblemDetails(error, request);
      expect(problem).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
      expect(JSON.stringify(problem)).not.toMatch(/hunter2|secret/);
    }
  });

  describe('a database that cannot serve the request', () => {
    const tooManyClients = Object.assign(new pg.DatabaseError('sorry, too many clients already', 0, 'error'), { code: '53300' });
    const shuttingDown = Object.assign(new pg.DatabaseError('terminating connection due to administrator command', 0, 'error'), { code: '57P01' });

    it.each([
      { what: 'no pooled connection free in time', error: new Error('timeout exceeded when trying to connect') },
      { what: 'the server refusing another connection (53300)', error: tooManyClients },
      { what: 'the server shutting down, as TypeORM wraps it', error: new QueryFailedError('SELECT 1', [], shuttingDown) },
      { what: 'nothing listening', error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }) },
      { what: 'the connection dropped mid-query', error: new Error('Connection terminated unexpectedly') },
    ])('is 503 UPSTREAM_UNAVAILABLE, to retry, when $what', ({ error }) => {
      const problem = toProblemDetails(error, request);

      expect(problem).toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE' });
      expect(JSON.stringify(problem)).not.toMatch(/5432|clients|administrator/);
    });

    it('is still a 500 for an error that only mentions a connection problem in its text', () => {
      expect(toProblemDetails(new Error('upstream said: connect ECONNREFUSED 10.0.0.5'), request)).toMatchObject({ status: 500 });
    });

    it('is still a 500 for a query the database refused as wrong', () => {
      const syntax = Object.assign(new pg.DatabaseError('syntax error at or near "SELEC"', 0, 'error'), { code: '42601' });

      expect(toProblemDetails(new QueryFailedError('SELEC 1', [], syntax), request)).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    });
  });

  it('maps framework HTTP exceptions by status', () => {
    expect(toProblemDetails(new HttpException('Not Found', 404), { method: 'GET', path: '/x' })).toMatchObject({
      code: 'NOT_FOUND',
      detail: 'No route for GET /x.',
    });
    expect(toProblemDetails(new BadRequestException('nope'), request)).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });
});
