import 'reflect-metadata';
import { Body, Controller, ForbiddenException, Get, Post, Req, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { LoggerModule } from 'nestjs-pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  ValidationFailedError,
} from '@bankshop/contracts';
import { IsCurrencyCode, IsMoneyAmount } from '../validation/money.validators.ts';
import { BODY_LIMIT, configureApp } from './configure-app.ts';

class InsufficientFundsError extends DomainError {
  readonly code = 'INSUFFICIENT_FUNDS';
}

/** An extension that collides with a standard member must not change the answer's status. */
class CollidingExtensionsError extends DomainError {
  readonly code = 'RISK_REJECTED';
}

const TRANSFER_ID = '7d1c6a0e-2b4f-4c8e-9f1a-3e5d7c9b1a2f';
const INTERNAL_DETAIL = 'connect ECONNREFUSED 10.0.0.5:5432 password=hunter2';

class DepositDto {
  @IsMoneyAmount({ max: '1000000.00' })
  amount!: string;

  @IsCurrencyCode()
  currency!: string;
}

@Controller()
class ProbeController {
  @Post('deposits')
  deposit(@Body() body: DepositDto): DepositDto {
    return body;
  }

  @Post('withdrawals')
  insufficientFunds(): never {
    throw new InsufficientFundsError('The balance is too low for this withdrawal.', { transferId: TRANSFER_ID });
  }

  @Post('transfers')
  collidingExtensions(): never {
    throw new CollidingExtensionsError('Rejected by risk checks.', { status: 'REJECTED', code: 'NOPE', transferId: TRANSFER_ID });
  }

  @Post('orders')
  fieldProblems(): never {
    throw new ValidationFailedError([{ field: 'items.0.quantity', message: 'must be at least 1' }]);
  }

  @Get('crash')
  crash(): never {
    throw new Error(INTERNAL_DETAIL);
  }

  @Get('risk')
  upstreamDown(): never {
    throw new UpstreamUnavailableError('risk', 7);
  }

  @Get('risk/slow')
  upstreamSlow(): never {
    throw new UpstreamTimeoutError('risk');
  }

  @Get('forbidden')
  frameworkForbidden(): never {
    throw new ForbiddenException('Nest said no');
  }

  @Get('whoami')
  whoami(@Req() incoming: { headers: Record<string, unknown> }): { requestId: unknown } {
    return { requestId: incoming.headers['x-request-id'] };
  }
}

let app: INestApplication;

/** Posts a deposit body and returns the answer, which every test here expects to be a 400. */
async function rejectedDeposit(body: string | object): Promise<request.Response> {
  return request(app.getHttpServer())
    .post('/deposits')
    .set('Content-Type', 'application/json')
    .send(body)
    .expect(400)
    .expect('Content-Type', /^application\/problem\+json/);
}

beforeAll(async () => {
  // configureApp takes its logger from nestjs-pino, so the module provides a silent one.
  const moduleRef = await Test.createTestingModule({
    imports: [LoggerModule.forRoot({ pinoHttp: { level: 'silent' } })],
    controllers: [ProbeController],
  }).compile();
  app = moduleRef.createNestApplication({ bodyParser: false, bufferLogs: true });
  configureApp(app);
  await app.init();
});

afterAll(async () => {
  await app?.close();
});

describe('request validation', () => {
  it('accepts a valid body and hands the handler exactly the declared fields', async () => {
    const response = await request(app.getHttpServer())
      .post('/deposits')
      .send({ amount: '12.50', currency: 'EUR' })
      .expect(201);

    expect(response.body).toEqual({ amount: '12.50', currency: 'EUR' });
  });

  it('accepts the largest amount the field allows', async () => {
    await request(app.getHttpServer()).post('/deposits').send({ amount: '1000000.00', currency: 'USD' }).expect(201);
  });

  it.each([
    { what: 'a negative amount', amount: '-1' },
    { what: 'zero', amount: '0' },
    { what: 'three fraction digits', amount: '0.001' },
    { what: 'exponent form', amount: '1e3' },
    { what: 'a JSON number', amount: 12.5 },
    { what: 'sixteen integer digits', amount: '1234567890123456' },
    { what: 'text', amount: 'abc' },
    { what: 'more than the field maximum', amount: '1000000.01' },
    { what: 'null', amount: null },
  ])('rejects $what as the amount, naming the field', async ({ amount }) => {
    const response = await rejectedDeposit({ amount, currency: 'EUR' });

    expect(response.body).toMatchObject({
      type: 'urn:bankshop:problem:validation-failed',
      title: 'The request is invalid',
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    expect(response.body.errors).toEqual([{ field: 'amount', message: expect.any(String) as unknown }]);
  });

  it('says what is wrong with the amount, without repeating the field name', async () => {
    const response = await rejectedDeposit({ amount: '0', currency: 'EUR' });

    expect(response.body.errors).toEqual([{ field: 'amount', message: 'must be greater than 0' }]);
  });

  it('rejects a missing amount, naming the field', async () => {
    const response = await rejectedDeposit({ currency: 'EUR' });

    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.errors).toContainEqual(expect.objectContaining({ field: 'amount' }));
  });

  it.each(['GBP', 'usd', ''])('rejects the unsupported currency "%s"', async (currency) => {
    const response = await rejectedDeposit({ amount: '1.00', currency });

    expect(response.body.errors).toEqual([{ field: 'currency', message: 'must be one of CNY, USD, EUR' }]);
  });

  it('rejects an unknown extra field instead of dropping it, naming the field', async () => {
    const response = await rejectedDeposit({ amount: '1.00', currency: 'EUR', ownerId: 'someone-else' });

    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.errors).toEqual([{ field: 'ownerId', message: expect.stringContaining('should not exist') as unknown }]);
  });

  it('lists every field problem at once', async () => {
    const response = await rejectedDeposit({ amount: '-1', currency: 'GBP' });

    expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['amount', 'currency']);
  });

  it('rejects a JSON array where an object is expected', async () => {
    const response = await rejectedDeposit([{ amount: '1.00', currency: 'EUR' }]);

    expect(response.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'body', message: 'must be a JSON object' }],
    });
  });

  it('rejects a bare JSON string where an object is expected', async () => {
    const response = await rejectedDeposit('"12.50"');

    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'body' }] });
  });

  it('rejects malformed JSON', async () => {
    const response = await rejectedDeposit('{"amount": "1.00", ');

    expect(response.body).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'body', message: 'must be valid JSON' }],
    });
  });

  it('rejects a body that is not JSON at all', async () => {
    const response = await request(app.getHttpServer())
      .post('/deposits')
      .set('Content-Type', 'text/plain')
      .send('amount=1.00')
      .expect(400);

    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'body' }] });
  });

  it(`answers 413 PAYLOAD_TOO_LARGE to a body over ${BODY_LIMIT}`, async () => {
    const response = await request(app.getHttpServer())
      .post('/deposits')
      .send({ amount: '1.00', currency: 'EUR', padding: 'x'.repeat(200_000) })
      .expect(413)
      .expect('Content-Type', /^application\/problem\+json/);

    expect(response.body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });
});

describe('problem details for errors', () => {
  it('answers a domain error with its catalogue status and a full problem document', async () => {
    const response = await request(app.getHttpServer())
      .post('/withdrawals')
      .expect(422)
      .expect('Content-Type', /^application\/problem\+json/);

    expect(response.body).toEqual({
      type: 'urn:bankshop:problem:insufficient-funds',
      title: 'Insufficient funds',
      status: 422,
      detail: 'The balance is too low for this withdrawal.',
      code: 'INSUFFICIENT_FUNDS',
      transferId: TRANSFER_ID,
    });
  });

  it('never lets an extension overwrite the status, code or other standard members', async () => {
    const response = await request(app.getHttpServer()).post('/transfers').expect(422);

    expect(response.body).toMatchObject({
      type: 'urn:bankshop:problem:risk-rejected',
      status: 422,
      code: 'RISK_REJECTED',
      transferId: TRANSFER_ID,
    });
  });

  it('passes the field problems of a ValidationFailedError through', async () => {
    const response = await request(app.getHttpServer()).post('/orders').expect(400);

    expect(response.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'items.0.quantity', message: 'must be at least 1' }],
    });
  });

  it('answers an unexpected error with 500 INTERNAL_ERROR and nothing of its message', async () => {
    const response = await request(app.getHttpServer())
      .get('/crash')
      .expect(500)
      .expect('Content-Type', /^application\/problem\+json/);

    expect(response.body).toMatchObject({ status: 500, code: 'INTERNAL_ERROR', type: 'urn:bankshop:problem:internal-error' });
    expect(response.text).not.toContain('hunter2');
    expect(response.text).not.toContain('ECONNREFUSED');
    expect(response.text).not.toContain('10.0.0.5');
  });

  it('answers an unknown route with 404 NOT_FOUND', async () => {
    const response = await request(app.getHttpServer())
      .get('/no/such/route')
      .expect(404)
      .expect('Content-Type', /^application\/problem\+json/);

    expect(response.body).toMatchObject({ status: 404, code: 'NOT_FOUND', detail: 'No route for GET /no/such/route.' });
  });

  it('answers an unavailable upstream with 503 and a Retry-After header', async () => {
    const response = await request(app.getHttpServer())
      .get('/risk')
      .expect(503)
      .expect('Retry-After', '7')
      .expect('Content-Type', /^application\/problem\+json/);

    expect(response.body).toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE' });
    expect(response.body.detail).toContain('risk');
  });

  it('answers an upstream timeout with 504 UPSTREAM_TIMEOUT', async () => {
    const response = await request(app.getHttpServer()).get('/risk/slow').expect(504);

    expect(response.body).toMatchObject({ status: 504, code: 'UPSTREAM_TIMEOUT' });
    expect(response.headers['retry-after']).toBeUndefined();
  });

  it('maps a framework HTTP exception to its stable code', async () => {
    const response = await request(app.getHttpServer()).get('/forbidden').expect(403);

    expect(response.body).toMatchObject({ status: 403, code: 'FORBIDDEN', type: 'urn:bankshop:problem:forbidden' });
  });
});

describe('request ids', () => {
  it('keeps a sane X-Request-Id from the caller, echoes it and hands it to the handler', async () => {
    const response = await request(app.getHttpServer())
      .get('/whoami')
      .set('X-Request-Id', 'client-42.retry:1')
      .expect(200)
      .expect('X-Request-Id', 'client-42.retry:1');

    expect(response.body).toEqual({ requestId: 'client-42.retry:1' });
  });

  it('accepts an id of 128 characters', async () => {
    const id = 'a'.repeat(128);

    await request(app.getHttpServer()).get('/whoami').set('X-Request-Id', id).expect('X-Request-Id', id);
  });

  it.each([
    { what: 'spaces and markup', id: 'a b<script>' },
    { what: '500 characters', id: 'x'.repeat(500) },
    { what: '129 characters', id: 'a'.repeat(129) },
    { what: 'a quote', id: 'abc"def' },
  ])('replaces an incoming id with $what by a fresh UUID, everywhere', async ({ id }) => {
    const response = await request(app.getHttpServer()).get('/whoami').set('X-Request-Id', id).expect(200);

    const issued = response.headers['x-request-id'];
    expect(issued).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(response.body).toEqual({ requestId: issued });
  });

  it('gives a request without an id a fresh one, different every time', async () => {
    const first = await request(app.getHttpServer()).get('/whoami').expect(200);
    const second = await request(app.getHttpServer()).get('/whoami').expect(200);

    expect(first.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  it('echoes the id on error answers too', async () => {
    await request(app.getHttpServer()).get('/no/such/route').set('X-Request-Id', 'req-404').expect(404).expect('X-Request-Id', 'req-404');
  });
});
