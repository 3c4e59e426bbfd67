/* eslint-disable @typescript-eslint/no-explicit-any -- an OpenAPI document is walked as plain JSON here. */
import { compileErrors, validate } from '@readme/openapi-parser';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '@bankshop/contracts';
import { Money } from '@bankshop/money';
import { ERROR_CATALOG } from '@bankshop/platform';
import { SystemStack, TEST_INTERNAL_TOKEN, type TestService } from '@bankshop/testing';

const IDEMPOTENCY: ErrorCode[] = ['VALIDATION_FAILED', 'IDEMPOTENCY_KEY_REQUIRED', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS'];

/** Codes the services send only to each other (libs/contracts `ERROR_CODES`): never in the public document. */
const INTERNAL_ONLY: ErrorCode[] = [
  'HOLD_NOT_FOUND',
  'HOLD_NOT_OPEN',
  'CONCURRENT_UPDATE',
  'OUT_OF_STOCK',
  'RESERVATION_NOT_FOUND',
  'RESERVATION_NOT_ACTIVE',
];

/**
 * Every route of API.md with its success statuses and the error codes API.md gives it, plus those
 * its conventions imply: 400 for a body, query or malformed id, 401 without a token, 403 for a
 * customer on an admin route, the Idempotency-Key errors.
 */
const ROUTES: { method: string; path: string; success: string[]; codes: ErrorCode[] }[] = [
  { method: 'post', path: '/api/auth/register', success: ['201'], codes: ['VALIDATION_FAILED', 'EMAIL_TAKEN'] },
  { method: 'post', path: '/api/auth/login', success: ['200'], codes: ['VALIDATION_FAILED', 'INVALID_CREDENTIALS'] },
  { method: 'get', path: '/api/auth/me', success: ['200'], codes: ['UNAUTHENTICATED', 'NOT_FOUND'] },
  { method: 'post', path: '/api/accounts', success: ['201'], codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED'] },
  { method: 'get', path: '/api/accounts', success: ['200'], codes: ['UNAUTHENTICATED'] },
  { method: 'get', path: '/api/accounts/{id}', success: ['200'], codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'ACCOUNT_NOT_FOUND'] },
  { method: 'post', path: '/api/accounts/{id}/deposits', success: ['201'], codes: [...IDEMPOTENCY, 'UNAUTHENTICATED', 'ACCOUNT_NOT_FOUND'] },
  {
    method: 'post',
    path: '/api/accounts/{id}/withdrawals',
    success: ['201'],
    codes: [...IDEMPOTENCY, 'UNAUTHENTICATED', 'ACCOUNT_NOT_FOUND', 'INSUFFICIENT_FUNDS'],
  },
  { method: 'get', path: '/api/accounts/{id}/ledger', success: ['200'], codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'ACCOUNT_NOT_FOUND'] },
  {
    method: 'post',
    path: '/api/admin/accounts/{id}/freeze',
    success: ['200'],
    codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'ACCOUNT_NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/api/admin/accounts/{id}/unfreeze',
    success: ['200'],
    codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'ACCOUNT_NOT_FOUND'],
  },
  { method: 'get', path: '/api/admin/accounts', success: ['200'], codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN'] },
  { method: 'get', path: '/api/admin/accounts/totals', success: ['200'], codes: ['UNAUTHENTICATED', 'FORBIDDEN'] },
  {
    method: 'post',
    path: '/api/transfers',
    success: ['201'],
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
  { method: 'get', path: '/api/transfers', success: ['200'], codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED'] },
  { method: 'get', path: '/api/transfers/{id}', success: ['200'], codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'TRANSFER_NOT_FOUND'] },
  { method: 'get', path: '/api/admin/audit', success: ['200'], codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN'] },
  { method: 'get', path: '/api/admin/audit/verify', success: ['200'], codes: ['UNAUTHENTICATED', 'FORBIDDEN'] },
  { method: 'post', path: '/api/admin/reconciliations', success: ['201'], codes: ['UNAUTHENTICATED', 'FORBIDDEN'] },
  { method: 'get', path: '/api/admin/reconciliations', success: ['200'], codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN'] },
  {
    method: 'get',
    path: '/api/admin/reconciliations/{id}',
    success: ['200'],
    codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND'],
  },
  { method: 'get', path: '/api/products', success: ['200'], codes: ['VALIDATION_FAILED'] },
  { method: 'get', path: '/api/products/{id}', success: ['200'], codes: ['VALIDATION_FAILED', 'NOT_FOUND'] },
  { method: 'post', path: '/api/admin/products', success: ['201'], codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'SKU_TAKEN'] },
  { method: 'patch', path: '/api/admin/products/{id}', success: ['200'], codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND'] },
  { method: 'get', path: '/api/cart', success: ['200'], codes: ['UNAUTHENTICATED'] },
  { method: 'put', path: '/api/cart/items/{productId}', success: ['200'], codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'NOT_FOUND'] },
  { method: 'delete', path: '/api/cart', success: ['204'], codes: ['UNAUTHENTICATED'] },
  { method: 'post', path: '/api/orders', success: ['201', '202'], codes: [...IDEMPOTENCY, 'UNAUTHENTICATED', 'PRODUCT_NOT_FOUND'] },
  { method: 'get', path: '/api/orders', success: ['200'], codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED'] },
  { method: 'get', path: '/api/orders/{id}', success: ['200'], codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'ORDER_NOT_FOUND'] },
  {
    method: 'post',
    path: '/api/orders/{id}/cancel',
    success: ['200'],
    codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'ORDER_NOT_FOUND', 'ORDER_NOT_CANCELLABLE'],
  },
  { method: 'get', path: '/api/payments/{id}', success: ['200'], codes: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'PAYMENT_NOT_FOUND'] },
  { method: 'get', path: '/api/health', success: ['200'], codes: [] },
];

/** The gateway's own routes; every other one is proxied, so it may also answer 503 and 504. */
const GATEWAY_ROUTES = new Set(['/api/auth/register', '/api/auth/login', '/api/auth/me', '/api/health']);

describe('the OpenAPI document of the public API', () => {
  let system: SystemStack;
  let gateway: TestService;
  let document: any;

  beforeAll(async () => {
    // The whole system, as clients meet it: only then do the halves' schemas meet in one document.
    system = await SystemStack.start({ services: ['account', 'risk', 'transaction', 'inventory', 'payment', 'order'], viaGateway: true });
    gateway = system.service('gateway');
    const response = await request(gateway.url).get('/api/openapi.json').expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    document = response.body;
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('is OpenAPI 3.1.0', () => {
    expect(document.openapi).toBe('3.1.0');
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await validate(structuredClone(document));

    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it.each(ROUTES)('documents $method $path, answering $success', ({ method, path, success }) => {
    const operation = document.paths[path]?.[method];

    expect(operation, `${method.toUpperCase()} ${path}`).toBeDefined();
    expect(Object.keys(operation.responses).filter((status) => /^2\d\d$/.test(status))).toEqual(expect.arrayContaining(success));
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
    for (const code of INTERNAL_ONLY) expect(document.info.description).not.toContain(`\`${code}\``);
  });

  it('answers no internal-only code on any route', () => {
    for (const [path, item] of Object.entries<any>(document.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        const codes = Object.values<any>(operation.responses).flatMap((response) =>
          Object.keys(response.content?.['application/problem+json']?.examples ?? {}),
        );
        expect(codes.filter((code) => INTERNAL_ONLY.includes(code as ErrorCode)), `${method.toUpperCase()} ${path}`).toEqual([]);
      }
    }
  });

  it('describes a problem document as API.md does', () => {
    const problem = document.components.schemas.Problem;

    expect(Object.keys(problem.properties)).toEqual(['type', 'title', 'status', 'detail', 'code', 'traceId', 'errors']);
    expect(document.components.schemas.FieldError.required).toEqual(['field', 'message']);
  });

  it('gives money fields the decimal-string grammar, never a number', () => {
    const sent: [string, string, string][] = [
      ['post', '/api/accounts/{id}/deposits', 'amount'],
      ['post', '/api/accounts/{id}/withdrawals', 'amount'],
      ['post', '/api/transfers', 'amount'],
      ['post', '/api/admin/products', 'price'],
      ['patch', '/api/admin/products/{id}', 'price'],
    ];
    for (const [method, path, property] of sent) {
      const body = schemaOf(document.paths[path][method].requestBody.content['application/json'].schema);
      expect(body.properties[property], `${method.toUpperCase()} ${path}`).toMatchObject({ type: 'string', pattern: Money.WIRE_PATTERN.source });
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
      ['Product', 'price'],
      ['CartView', 'total'],
      ['OrderView', 'total'],
      ['OrderLineView', 'unitPrice'],
      ['OrderLineView', 'lineTotal'],
      ['Payment', 'amount'],
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
    for (const path of ['/api/accounts/{id}/deposits', '/api/accounts/{id}/withdrawals', '/api/transfers', '/api/orders']) {
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

  it('lets an admin change any field of a product and requires none, as API.md does', () => {
    const body = schemaOf(document.paths['/api/admin/products/{id}'].patch.requestBody.content['application/json'].schema);

    expect(Object.keys(body.properties).sort()).toEqual(['description', 'name', 'price', 'stock']);
    expect(body.required ?? []).toEqual([]);
  });

  it('says of every request body, nested objects included, that an unknown field is refused', () => {
    const open: string[] = [];
    const visit = (schema: any, where: string): void => {
      const resolved = schemaOf(schema);
      if (resolved.type === 'object' || resolved.properties) {
        if (resolved.additionalProperties !== false) open.push(where);
        for (const [name, property] of Object.entries(resolved.properties ?? {})) visit(property, `${where}.${name}`);
      }
      if (resolved.items) visit(resolved.items, `${where}[]`);
    };
    let bodies = 0;
    for (const [path, item] of Object.entries<any>(document.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        const schema = operation?.requestBody?.content?.['application/json']?.schema;
        if (!schema) continue;
        bodies += 1;
        visit(schema, `${method.toUpperCase()} ${path}`);
      }
    }
    expect(bodies).toBeGreaterThanOrEqual(10);
    expect(open).toEqual([]);
  });

  it('documents bearer authentication, and uses it on protected routes only', () => {
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const { method, path, codes } of ROUTES) {
      const { security } = document.paths[path][method];
      if (codes.includes('UNAUTHENTICATED')) expect(security, `${method.toUpperCase()} ${path}`).toEqual([{ bearer: [] }]);
      else expect(security, `${method.toUpperCase()} ${path}`).toBeUndefined();
    }
  });

  it('declares every tag its operations use, with a description', () => {
    const used = new Set(Object.values<any>(document.paths).flatMap((item) => Object.values<any>(item).flatMap((operation) => operation.tags ?? [])));

    for (const name of used) {
      expect(document.tags.find((tag: any) => tag.name === name)?.description, name).toEqual(expect.any(String));
    }
  });

  it('documents the headers every answer carries', () => {
    const ok = document.paths['/api/accounts/{id}'].get.responses['200'];

    expect(Object.keys(ok.headers)).toEqual(expect.arrayContaining(['X-Request-Id', 'traceparent', 'RateLimit', 'RateLimit-Policy']));
    expect(document.paths['/api/transfers'].post.responses['503'].headers['Retry-After']).toBeDefined();
    expect(document.paths['/api/health'].get.responses['429'].headers['Retry-After']).toBeDefined();
  });

  it('gives path ids the uuid format', () => {
    for (const { method, path } of ROUTES.filter((route) => route.path.includes('{'))) {
      const ids = document.paths[path][method].parameters.filter((parameter: any) => parameter.in === 'path');

      expect(ids, `${method.toUpperCase()} ${path}`).toEqual([
        expect.objectContaining({ name: /\{(\w+)\}/.exec(path)![1], required: true, schema: { type: 'string', format: 'uuid' } }),
      ]);
    }
  });

  it('leaks no internal route and no internal model', () => {
    const paths = Object.keys(document.paths);

    expect(paths.filter((path) => !path.startsWith('/api/'))).toEqual([]);
    expect(paths.filter((path) => /internal|health\/(live|ready)|openapi|docs/.test(path))).toEqual([]);
    expect(Object.keys(document.components.schemas)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/Hold|Assessment(Request|Result)|FromAccount|ToAccount|Reserv|Charge|Refund|Lookup/)]),
    );
  });

  it('is complete when every service answers', () => {
    expect(document['x-missing-services']).toBeUndefined();
    expect(document.info.description).not.toContain('Incomplete');
  });

  it('is served at the edge, with its headers and rate limit', async () => {
    const response = await request(gateway.url).get('/api/openapi.json').expect(200);

    expect(response.headers).toHaveProperty('ratelimit');
    expect(response.headers).toHaveProperty('x-request-id');
  });

  it('is made by each service from its own code, for internal callers only', async () => {
    const account = system.service('account');
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

  // Last, as it stops a service. The gateway is restarted: it keeps a complete document a minute.
  it('leaves out a service that cannot answer, and says so', async () => {
    await system.service('payment').service.stop();
    await gateway.service.stop();
    await gateway.service.start();

    const partial = (await request(gateway.url).get('/api/openapi.json').expect(200)).body;
    expect(partial['x-missing-services']).toEqual(['payment']);
    expect(partial.info.description).toContain('the routes of payment are missing');
    expect(partial.paths['/api/payments/{id}']).toBeUndefined();
    expect(partial.paths['/api/orders'].post).toBeDefined();
  }, 120_000);

  /** A schema, following a `$ref` into the components. */
  function schemaOf(schema: any): any {
    return schema.$ref ? document.components.schemas[schema.$ref.replace('#/components/schemas/', '')] : schema;
  }
});
