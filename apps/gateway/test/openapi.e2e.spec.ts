/* eslint-disable @typescript-eslint/no-explicit-any -- an OpenAPI document is walked as plain JSON here. */
import { compileErrors, validate } from '@readme/openapi-parser';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '@bankshop/contracts';
import { Money } from '@bankshop/money';
import { ERROR_CATALOG } from '@bankshop/platform';
import { freePort, startTestService, TEST_INTERNAL_TOKEN, type TestService } from '@bankshop/testing';

/** The services of the commerce half: not started here, so the gateway cannot reach them. */
const NOT_STARTED = 'http://127.0.0.1:9';

const IDEMPOTENCY: ErrorCode[] = ['VALIDATION_FAILED', 'IDEMPOTENCY_KEY_REQUIRED', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS'];

/**
 * Every banking, audit and auth route of API.md, with the error codes API.md gives it, plus those
 * its conventions imply: 400 for a body, query or malformed id, 401 without a token, 403 for a
 * customer on an admin route, the Idempotency-Key errors.
 *
 * The commerce routes (products, cart, orders, payments) do not exist yet; they join this list
 * with the issue that builds the order, inventory and payment services.
 */
const ROUTES: { method: string; path: string; codes: ErrorCode[] }[] = [
  { method: 'post', path: '/api/auth/register', codes: ['VALIDATION_FAILED', 'EMAIL_TAKEN'] },
  { method: 'post', path: '/api/auth/login', codes: ['VALIDATION_FAILED', 'INVALID_CREDENTIALS'] },
  { method: 'get', path: '/api/auth/me', codes: ['UNAUTHENTICATED'] },
  { method: 'post', path: '/api/accounts', codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED'] },
  { method: 'get', path: '/api/accounts', codes: ['UNAUTHENTICATED'] },
  { method: 'get', path: '/api/accounts/{id}', codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'ACCOUNT_NOT_FOUND'] },
  { method: 'post', path: '/api/accounts/{id}/deposits', codes: [...IDEMPOTENCY, 'UNAUTHENTICATED', 'ACCOUNT_NOT_FOUND'] },
  {
    method: 'post',
    path: '/api/accounts/{id}/withdrawals',
    codes: [...IDEMPOTENCY, 'UNAUTHENTICATED', 'ACCOUNT_NOT_FOUND', 'INSUFFICIENT_FUNDS'],
  },
  { method: 'get', path: '/api/accounts/{id}/ledger', codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'ACCOUNT_NOT_FOUND'] },
  {
    method: 'post',
    path: '/api/admin/accounts/{id}/freeze',
    codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'ACCOUNT_NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/api/admin/accounts/{id}/unfreeze',
    codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'ACCOUNT_NOT_FOUND'],
  },
  { method: 'get', path: '/api/admin/accounts', codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN'] },
  { method: 'get', path: '/api/admin/accounts/totals', codes: ['UNAUTHENTICATED', 'FORBIDDEN'] },
  {
    method: 'post',
    path: '/api/transfers',
    codes: [
      ...IDEMPOTENCY,
      'UNAUTHENTICATED',
      'ACCOUNT_NOT_FOUND',
      'ACCOUNT_FROZEN',
      'INSUFFICIENT_FUNDS',
      'SAME_ACCOUNT',
      'CURRENCY_MISMATCH',
      'RISK_REJECTED',
      'UPSTREAM_UNAVAILABLE',
    ],
  },
  { method: 'get', path: '/api/transfers', codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED'] },
  { method: 'get', path: '/api/transfers/{id}', codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'TRANSFER_NOT_FOUND'] },
  { method: 'get', path: '/api/admin/audit', codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN'] },
  { method: 'get', path: '/api/admin/audit/verify', codes: ['UNAUTHENTICATED', 'FORBIDDEN'] },
  { method: 'post', path: '/api/admin/reconciliations', codes: ['UNAUTHENTICATED', 'FORBIDDEN'] },
  { method: 'get', path: '/api/admin/reconciliations', codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN'] },
  { method: 'get', path: '/api/admin/reconciliations/{id}', codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND'] },
  { method: 'get', path: '/api/health', codes: [] },
];

/** The gateway's own routes; every other one is proxied, so it may also answer 503 and 504. */
const GATEWAY_ROUTES = new Set(['/api/auth/register', '/api/auth/login', '/api/auth/me', '/api/health']);

describe('the OpenAPI document of the public API', () => {
  let account: TestService;
  let risk: TestService;
  let transaction: TestService;
  let gateway: TestService;
  let document: any;

  beforeAll(async () => {
    // No token is needed here; every service is pointed at the gateway's key set all the same.
    const gatewayPort = await freePort();
    const jwksUrl = `http://127.0.0.1:${gatewayPort}/.well-known/jwks.json`;
    [account, risk] = await Promise.all([startTestService({ app: 'account', jwksUrl }), startTestService({ app: 'risk', jwksUrl })]);
    transaction = await startTestService({
      app: 'transaction',
      jwksUrl,
      env: { ACCOUNT_SERVICE_URL: account.url, RISK_SERVICE_URL: risk.url },
    });
    gateway = await startTestService({
      app: 'gateway',
      port: gatewayPort,
      jwksUrl,
      env: {
        ACCOUNT_SERVICE_URL: account.url,
        TRANSACTION_SERVICE_URL: transaction.url,
        RISK_SERVICE_URL: risk.url,
        ORDER_SERVICE_URL: NOT_STARTED,
        INVENTORY_SERVICE_URL: NOT_STARTED,
        PAYMENT_SERVICE_URL: NOT_STARTED,
      },
    });
    const response = await request(gateway.url).get('/api/openapi.json').expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    document = response.body;
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([transaction?.stop(), account?.stop(), risk?.stop()]);
  });

  it('is OpenAPI 3.1.0', () => {
    expect(document.openapi).toBe('3.1.0');
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await validate(structuredClone(document));

    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it.each(ROUTES)('documents $method $path', ({ method, path }) => {
    const operation = document.paths[path]?.[method];

    expect(operation, `${method.toUpperCase()} ${path}`).toBeDefined();
    expect(Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status))).toBe(true);
  });

  it.each(ROUTES)('documents the errors of $method $path, each with an example', ({ method, path, codes }) => {
    const responses = document.paths[path][method].responses;
    const proxied = !GATEWAY_ROUTES.has(path);
    const expected: ErrorCode[] = [...codes, 'RATE_LIMITED', ...(proxied ? (['UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT'] as const) : [])];

    for (const code of expected) {
      const { status } = ERROR_CATALOG[code];
      const content = responses[status]?.content?.['application/problem+json'];
      expect(content?.schema, `${code} (${status}) on ${method.toUpperCase()} ${path}`).toEqual({ $ref: '#/components/schemas/Problem' });
      expect(content.examples[code]?.value).toMatchObject({ code, status, type: expect.stringMatching(/^urn:bankshop:problem:/) });
    }
  });

  it('documents a refused withdrawal as a 422 with an INSUFFICIENT_FUNDS example', () => {
    const unprocessable = document.paths['/api/accounts/{id}/withdrawals'].post.responses['422'];

    expect(unprocessable.content['application/problem+json'].examples.INSUFFICIENT_FUNDS.value).toMatchObject({
      type: 'urn:bankshop:problem:insufficient-funds',
      title: 'Insufficient funds',
      status: 422,
      code: 'INSUFFICIENT_FUNDS',
    });
  });

  it('refuses large bodies with 413 on every route that takes one', () => {
    for (const { method, path } of ROUTES.filter((route) => document.paths[route.path][route.method].requestBody)) {
      expect(document.paths[path][method].responses['413'], `${method.toUpperCase()} ${path}`).toBeDefined();
    }
  });

  it('lists every error code it uses in its description, and no internal one', () => {
    for (const code of new Set(ROUTES.flatMap((route) => route.codes))) {
      expect(document.info.description).toContain(`| \`${code}\` | ${ERROR_CATALOG[code].status} |`);
    }
    expect(document.info.description).not.toMatch(/HOLD_NOT_FOUND|HOLD_NOT_OPEN|CONCURRENT_UPDATE/);
  });

  it('describes a problem document as API.md does', () => {
    const problem = document.components.schemas.Problem;

    expect(Object.keys(problem.properties)).toEqual(['type', 'title', 'status', 'detail', 'code', 'traceId', 'errors']);
    expect(document.components.schemas.FieldError.required).toEqual(['field', 'message']);
  });

  it('gives money fields the decimal-string grammar, never a number', () => {
    for (const path of ['/api/accounts/{id}/deposits', '/api/accounts/{id}/withdrawals', '/api/transfers']) {
      const body = schemaOf(document.paths[path].post.requestBody.content['application/json'].schema);
      expect(body.properties.amount, path).toMatchObject({ type: 'string', pattern: Money.WIRE_PATTERN.source });
    }
    const rendered: [string, string][] = [
      ['Account', 'balance'],
      ['Account', 'available'],
      ['CashMovement', 'amount'],
      ['CashMovement', 'balance'],
      ['LedgerEntry', 'amount'],
      ['LedgerEntry', 'balanceAfter'],
      ['CurrencyTotals', 'balance'],
      ['Transfer', 'amount'],
    ];
    for (const [schema, property] of rendered) {
      const field = document.components.schemas[schema].properties[property];
      expect(field.type, `${schema}.${property}`).toBe('string');
      const pattern = new RegExp(field.pattern);
      expect(['12.50', '0.00', '1000000.00'].every((amount) => pattern.test(amount)), `${schema}.${property}`).toBe(true);
      expect(['12.5', '12', '1e3', '12.500'].some((amount) => pattern.test(amount)), `${schema}.${property}`).toBe(false);
    }
    expect(new RegExp(document.components.schemas.LedgerEntry.properties.amount.pattern).test('-12.50')).toBe(true);
  });

  it('requires an Idempotency-Key of 1 to 255 printable ASCII characters where API.md does', () => {
    for (const path of ['/api/accounts/{id}/deposits', '/api/accounts/{id}/withdrawals', '/api/transfers']) {
      const operation = document.paths[path].post;
      const keys = operation.parameters.filter(
        (parameter: any) => parameter.in === 'header' && parameter.name.toLowerCase() === 'idempotency-key',
      );
      expect(keys, path).toEqual([
        expect.objectContaining({ name: 'Idempotency-Key', required: true, schema: expect.objectContaining({ minLength: 1, maxLength: 255 }) }),
      ]);
      expect(operation.responses['201'].headers['Idempotent-Replayed'], path).toBeDefined();
    }
  });

  it('documents bearer authentication, and uses it on protected routes only', () => {
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.paths['/api/accounts'].get.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/api/auth/login'].post.security).toBeUndefined();
  });

  it('documents the headers every answer carries', () => {
    const ok = document.paths['/api/accounts/{id}'].get.responses['200'];

    expect(Object.keys(ok.headers)).toEqual(expect.arrayContaining(['X-Request-Id', 'traceparent', 'RateLimit', 'RateLimit-Policy']));
    expect(document.paths['/api/transfers'].post.responses['503'].headers['Retry-After']).toBeDefined();
    expect(document.paths['/api/health'].get.responses['429'].headers['Retry-After']).toBeDefined();
  });

  it('gives path ids the uuid format', () => {
    const id = document.paths['/api/accounts/{id}'].get.parameters.find((parameter: any) => parameter.in === 'path');

    expect(id).toMatchObject({ name: 'id', required: true, schema: { type: 'string', format: 'uuid' } });
  });

  it('leaks no internal route and no internal model', () => {
    const paths = Object.keys(document.paths);

    expect(paths.filter((path) => !path.startsWith('/api/'))).toEqual([]);
    expect(paths.filter((path) => /internal|health\/(live|ready)|openapi|docs/.test(path))).toEqual([]);
    expect(Object.keys(document.components.schemas)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/Hold|Assessment(Request|Result)|FromAccount|ToAccount/)]),
    );
  });

  it('leaves out a service that cannot answer, and says so', () => {
    expect(document['x-missing-services']).toEqual(['order', 'inventory', 'payment']);
    expect(document.info.description).toContain('order, inventory, payment');
  });

  it('is served at the edge, with its headers and rate limit', async () => {
    const response = await request(gateway.url).get('/api/openapi.json').expect(200);

    expect(response.headers).toHaveProperty('ratelimit');
    expect(response.headers).toHaveProperty('x-request-id');
  });

  it('is made by each service from its own code, for internal callers only', async () => {
    await request(account.url).get('/internal/openapi.json').expect(401);
    const own = await request(account.url).get('/internal/openapi.json').set('X-Internal-Token', TEST_INTERNAL_TOKEN).expect(200);

    expect(own.body.openapi).toBe('3.1.0');
    expect(Object.keys(own.body.paths)).toContain('/api/accounts/{id}/withdrawals');
  });

  it('has a browsable page at /api/docs showing the same document', async () => {
    const page = await request(gateway.url).get('/api/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('swagger-ui');

    const init = await request(gateway.url).get('/api/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('/api/transfers');
    await request(gateway.url).get('/api/docs/swagger-ui-bundle.js').expect(200);
  });

  /** A schema, following a `$ref` into the components. */
  function schemaOf(schema: any): any {
    return schema.$ref ? document.components.schemas[schema.$ref.replace('#/components/schemas/', '')] : schema;
  }
});
