/* eslint-disable @typescript-eslint/no-explicit-any -- the document is inspected as plain JSON. */
import { Body, Controller, Get, Headers, HttpCode, Param, Post, type INestApplication } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, type OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Money } from '@bankshop/money';
import { ERROR_CATALOG } from '../errors/error-catalog.ts';
import { Idempotent } from '../idempotency/idempotency.module.ts';
import { ServiceConfig } from '../config/service-config.ts';
import { IdempotencyStore } from '../idempotency/idempotency-store.ts';
import { IsMoneyAmount } from '../validation/money.validators.ts';
import { ApiAuth } from './api-decorators.ts';
import { createOpenApiDocument } from './openapi-document.ts';
import { ApiProblems, problemExample } from './problem-responses.ts';

class SpendDto {
  @IsMoneyAmount()
  amount!: string;
}

class HoldDto {
  @IsMoneyAmount()
  amount!: string;
}

@ApiAuth()
@Controller('api/wallets')
class WalletsController {
  @Post(':id/spend')
  @Idempotent()
  @ApiCreatedResponse({ description: 'Spent.' })
  @ApiProblems('ACCOUNT_NOT_FOUND', 'INSUFFICIENT_FUNDS')
  spend(@Param('id') _id: string, @Body() _body: SpendDto, @Headers('idempotency-key') _key: string): void {}

  @Get(':id')
  @ApiOkResponse({ description: 'The wallet.' })
  @ApiProblems('VALIDATION_FAILED')
  @ApiProblems('ACCOUNT_NOT_FOUND')
  get(@Param('id') _id: string): void {}

  @Post(':id/refresh')
  @HttpCode(200)
  @ApiOkResponse({ description: 'Refreshed.' })
  @ApiProblems('UPSTREAM_UNAVAILABLE', 'RATE_LIMITED')
  refresh(@Param('id') _id: string): void {}
}

@Controller('internal/holds')
class InternalHoldsController {
  @Post()
  @ApiProblems('INSUFFICIENT_FUNDS')
  place(@Body() _body: HoldDto): void {}
}

let app: INestApplication;
let document: OpenAPIObject;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({
    controllers: [WalletsController, InternalHoldsController],
    // Documenting needs no store; only the interceptor's constructor asks for one.
    providers: [
      { provide: IdempotencyStore, useValue: {} },
      { provide: ServiceConfig, useValue: {} },
    ],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  document = createOpenApiDocument(app, { title: 'Wallets' });
});

afterAll(async () => {
  await app?.close();
});

describe('ApiProblems', () => {
  const responses = (path: string, method: 'get' | 'post') => document.paths[path]![method]!.responses as any;

  it('documents each code as a problem+json response with the status of the catalogue and an example', () => {
    const notFound = responses('/api/wallets/{id}/spend', 'post')[ERROR_CATALOG.ACCOUNT_NOT_FOUND.status];

    expect(notFound.description).toBe('`ACCOUNT_NOT_FOUND`: Account not found.');
    expect(notFound.content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    expect(notFound.content['application/problem+json'].examples.ACCOUNT_NOT_FOUND.value).toEqual({
      type: 'urn:bankshop:problem:account-not-found',
      title: 'Account not found',
      status: 404,
      detail: 'No such account.',
      code: 'ACCOUNT_NOT_FOUND',
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });

  it('makes codes that share a status examples of one response', () => {
    const unprocessable = responses('/api/wallets/{id}/spend', 'post')['422'];

    expect(Object.keys(unprocessable.content['application/problem+json'].examples).sort()).toEqual([
      'IDEMPOTENCY_KEY_REUSED',
      'INSUFFICIENT_FUNDS',
    ]);
    expect(unprocessable.description).toContain('`INSUFFICIENT_FUNDS`: Insufficient funds.');
    expect(unprocessable.description).toContain('`IDEMPOTENCY_KEY_REUSED`');
  });

  it('adds up the codes of several decorators on one route', () => {
    const get = responses('/api/wallets/{id}', 'get');

    expect(Object.keys(get).sort()).toEqual(['200', '400', '401', '404']);
  });

  it('applies the codes of a controller to each of its routes, next to their own', () => {
    for (const [path, method] of [
      ['/api/wallets/{id}/spend', 'post'],
      ['/api/wallets/{id}', 'get'],
      ['/api/wallets/{id}/refresh', 'post'],
    ] as const) {
      expect(responses(path, method)['401'].content['application/problem+json'].examples.UNAUTHENTICATED, path).toBeDefined();
      expect(document.paths[path]![method]!.security).toEqual([{ bearer: [] }]);
    }
    expect(responses('/api/wallets/{id}/refresh', 'post')['200']).toBeDefined();
  });

  it('tells when to come back on 429 and 503', () => {
    const refresh = responses('/api/wallets/{id}/refresh', 'post');

    expect(refresh['503'].headers['Retry-After']).toEqual({ $ref: '#/components/headers/Retry-After' });
    expect(refresh['429'].headers['Retry-After']).toEqual({ $ref: '#/components/headers/Retry-After' });
    expect(responses('/api/wallets/{id}', 'get')['404'].headers['Retry-After']).toBeUndefined();
  });

  it('gives a validation problem its field errors', () => {
    expect(problemExample('VALIDATION_FAILED')).toMatchObject({
      status: 400,
      errors: [{ field: 'amount', message: expect.any(String) }],
    });
  });
});

describe('createOpenApiDocument', () => {
  it('is OpenAPI 3.1 with the shared problem schema', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.components?.schemas?.Problem).toMatchObject({ required: ['type', 'title', 'status', 'detail', 'code'] });
  });

  it('keeps only the public routes and the schemas they use', () => {
    expect(Object.keys(document.paths)).toEqual(['/api/wallets/{id}/spend', '/api/wallets/{id}', '/api/wallets/{id}/refresh']);
    expect(Object.keys(document.components?.schemas ?? {})).toContain('SpendDto');
    expect(Object.keys(document.components?.schemas ?? {})).not.toContain('HoldDto');
  });

  it('documents the Idempotency-Key header once, and the replay header on success', () => {
    const spend = document.paths['/api/wallets/{id}/spend']!.post! as any;
    const keys = spend.parameters.filter((parameter: any) => parameter.in === 'header');

    expect(keys).toEqual([expect.objectContaining({ name: 'Idempotency-Key', required: true })]);
    expect(spend.responses['201'].headers['Idempotent-Replayed']).toBeDefined();
    expect(spend.responses['404'].headers['Idempotent-Replayed']).toBeUndefined();
  });

  it('documents money as the wire grammar and path ids as UUIDs', () => {
    const spend = document.paths['/api/wallets/{id}/spend']!.post! as any;

    expect((document.components?.schemas?.SpendDto as any).properties.amount).toMatchObject({
      type: 'string',
      pattern: Money.WIRE_PATTERN.source,
      example: '12.50',
    });
    expect(spend.parameters.find((parameter: any) => parameter.in === 'path').schema).toEqual({ type: 'string', format: 'uuid' });
  });

  it('documents the request id and trace headers on every answer', () => {
    for (const response of Object.values(document.paths['/api/wallets/{id}']!.get!.responses) as any[]) {
      expect(Object.keys(response.headers)).toEqual(expect.arrayContaining(['X-Request-Id', 'traceparent']));
    }
  });
});
