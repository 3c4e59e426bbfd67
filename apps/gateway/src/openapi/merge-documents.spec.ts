/* eslint-disable @typescript-eslint/no-explicit-any -- documents are inspected as plain JSON. */
import type { OpenAPIObject } from '@nestjs/swagger';
import { describe, expect, it } from 'vitest';
import { problemResponses } from '@bankshop/platform';
import { mergeDocuments } from './merge-documents.ts';

function documentWith(paths: OpenAPIObject['paths'], schemas: Record<string, object> = {}): OpenAPIObject {
  return { openapi: '3.1.0', info: { title: 'x', version: '1' }, paths, components: { schemas } };
}

const ok = (ref: string) => ({ description: 'ok', content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });

const gateway = documentWith({ '/api/health': { get: { responses: { 200: ok('SystemHealth') } } } }, { SystemHealth: { type: 'object' } });

const account = documentWith(
  {
    '/api/accounts/{id}': { get: { responses: { 200: ok('Account') } } },
    '/health/live': { get: { responses: { 200: { description: 'ok' } } } },
  },
  { Account: { type: 'object', properties: { id: { type: 'string' } } }, Currency: { type: 'string', enum: ['USD'] } },
);

const transaction = documentWith(
  {
    '/api/transfers': { post: { responses: { 201: ok('Transfer'), ...problemResponses(['UPSTREAM_UNAVAILABLE', 'RISK_REJECTED']) } } },
    '/api/transfers/{id}': { get: { responses: { 200: ok('Account') } } },
  },
  {
    Transfer: { type: 'object', properties: { from: { $ref: '#/components/schemas/Account' } } },
    // Same name as the account service's, different content.
    Account: { type: 'object', properties: { number: { type: 'string' } } },
    Currency: { type: 'string', enum: ['USD'] },
  },
);

describe('mergeDocuments', () => {
  const merged = mergeDocuments(
    gateway,
    [
      { service: 'account', document: account },
      { service: 'transaction', document: transaction },
    ],
    [],
  ) as any;

  it('is one OpenAPI 3.1 document with the public paths of every service', () => {
    expect(merged.openapi).toBe('3.1.0');
    expect(Object.keys(merged.paths)).toEqual(['/api/health', '/api/accounts/{id}', '/api/transfers', '/api/transfers/{id}']);
    expect(merged['x-missing-services']).toBeUndefined();
  });

  it('keeps a schema two services share once, and renames a conflicting one in the later service', () => {
    expect(merged.components.schemas.Currency).toEqual({ type: 'string', enum: ['USD'] });
    expect(merged.components.schemas.Account).toEqual(account.components!.schemas!.Account);
    expect(merged.components.schemas.TransactionAccount).toEqual(transaction.components!.schemas!.Account);
    expect(merged.components.schemas.Transfer.properties.from).toEqual({ $ref: '#/components/schemas/TransactionAccount' });
    expect(merged.paths['/api/transfers/{id}'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/TransactionAccount',
    });
  });

  it('adds what the gateway itself may answer: 429 everywhere, 503 and 504 on what it proxies', () => {
    expect(Object.keys(merged.paths['/api/health'].get.responses)).toEqual(['200', '429']);
    expect(Object.keys(merged.paths['/api/accounts/{id}'].get.responses)).toEqual(['200', '429', '503', '504']);
    expect(merged.paths['/api/accounts/{id}'].get.responses['504'].content['application/problem+json'].examples.UPSTREAM_TIMEOUT).toBeDefined();
  });

  it('does not repeat a code the service documents already', () => {
    const unavailable = merged.paths['/api/transfers'].post.responses['503'];

    expect(Object.keys(unavailable.content['application/problem+json'].examples)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(unavailable.description).toBe('`UPSTREAM_UNAVAILABLE`: A service this request needs is unavailable.');
  });

  it('documents the rate limit headers on every answer', () => {
    expect(merged.paths['/api/transfers'].post.responses['422'].headers).toMatchObject({
      RateLimit: { $ref: '#/components/headers/RateLimit' },
      'RateLimit-Policy': { $ref: '#/components/headers/RateLimit-Policy' },
    });
    expect(merged.components.headers.RateLimit).toBeDefined();
  });

  it('leaves the documents it was given as they were', () => {
    expect(Object.keys(transaction.paths['/api/transfers']!.post!.responses)).toEqual(['201', '422', '503']);
    expect((gateway.paths['/api/health'] as any).get.responses['200'].headers).toBeUndefined();
  });

  it('lists the codes its routes use in its description, with their problem types', () => {
    expect(merged.info.description).toContain('| `RISK_REJECTED` | 422 | `urn:bankshop:problem:risk-rejected` | Rejected by risk checks |');
    expect(merged.info.description).toContain('`UPSTREAM_TIMEOUT`');
    expect(merged.info.description).toContain('`NOT_FOUND`');
    expect(merged.info.description).not.toContain('HOLD_NOT_FOUND');
    expect(merged.info.description).not.toContain('INSUFFICIENT_FUNDS');
  });

  it('names the services that did not answer', () => {
    const partial = mergeDocuments(gateway, [{ service: 'account', document: account }], ['transaction', 'risk']) as any;

    expect(partial['x-missing-services']).toEqual(['transaction', 'risk']);
    expect(partial.info.description).toMatch(/^> \*\*Incomplete:\*\* the routes of transaction, risk are missing/);
    expect(partial.paths['/api/transfers']).toBeUndefined();
  });
});
