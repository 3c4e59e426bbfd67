import type { OpenAPIObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import type { ErrorCode } from '@bankshop/contracts';
import {
  addProblemResponses,
  API_VERSION,
  ERROR_CATALOG,
  headerRef,
  OPENAPI_VERSION,
  operationsOf,
  problemCodesOf,
  problemType,
  PUBLIC_PATH_PREFIX,
  RESPONSE_HEADERS,
} from '@bankshop/platform';

/** The document a service publishes at `/internal/openapi.json`. */
export interface ServiceDocument {
  service: string;
  document: OpenAPIObject;
}

/** The public document, with the services whose part is missing (`x-missing-services`). */
export type PublicDocument = OpenAPIObject & { 'x-missing-services'?: string[] };

/** Codes any route may answer with, so no route lists them: no such route, a 5xx. */
const ANY_ROUTE_CODES: readonly ErrorCode[] = ['NOT_FOUND', 'INTERNAL_ERROR'];

/** Headers the gateway adds to every answer (IETF ratelimit-headers draft). */
const EDGE_HEADERS = {
  RateLimit: {
    description: 'What is left of the caller\'s bucket: `"<policy>";r=<remaining>;t=<seconds until full>`.',
    schema: { type: 'string', examples: ['"default";r=99;t=1'] },
  },
  'RateLimit-Policy': {
    description: 'The bucket that applies: `"<policy>";q=<capacity>;w=<seconds to refill>`.',
    schema: { type: 'string', examples: ['"default";q=100;w=2'] },
  },
};

const TAGS = [
  { name: 'Auth', description: 'Users and access tokens.' },
  { name: 'Accounts', description: 'Your accounts, deposits, withdrawals and ledgers.' },
  { name: 'Transfers', description: 'Money moved between accounts.' },
  { name: 'Products', description: 'The catalogue: public, no token needed.' },
  { name: 'Cart', description: 'Your cart, checked out by placing an order without items.' },
  { name: 'Orders', description: 'Checkout, your orders and their cancellation.' },
  { name: 'Payments', description: 'The payments of your orders.' },
  { name: 'Admin', description: 'For administrators only: a customer gets 403 `FORBIDDEN`.' },
  { name: 'Health', description: 'Is the system up?' },
];

/**
 * The public API document: the gateway's own routes and those of every service that answered,
 * `/api/*` paths only, with the answers the gateway itself may give on any route (429, and for
 * routes it proxies 503 and 504).
 *
 * Schemas of the same name and the same content (`Problem`, `Currency`) are kept once; a name two
 * services use for different schemas is prefixed with the service name in the second one.
 */
export function mergeDocuments(gateway: OpenAPIObject, services: ServiceDocument[], missing: string[]): PublicDocument {
  const schemas: Record<string, SchemaObject> = {};
  const merged: PublicDocument = {
    openapi: OPENAPI_VERSION,
    info: { title: 'Bankshop API', version: API_VERSION },
    tags: [...TAGS],
    paths: {},
    components: { schemas, headers: { ...RESPONSE_HEADERS, ...EDGE_HEADERS }, securitySchemes: {} },
    ...(missing.length > 0 ? { 'x-missing-services': missing } : {}),
  };

  // Copies: the inputs are cached documents, and merging adds to their operations.
  for (const { service, document } of structuredClone([{ service: 'gateway', document: gateway }, ...services])) {
    const own = withSchemasRenamed(document, conflicts(schemas, document, service));
    for (const [path, item] of Object.entries(own.paths)) {
      if (!path.startsWith(PUBLIC_PATH_PREFIX)) continue;
      merged.paths[path] = { ...merged.paths[path], ...item };
      for (const operation of operationsOf({ [path]: item })) {
        addProblemResponses(operation, service === 'gateway' ? ['RATE_LIMITED'] : ['RATE_LIMITED', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT']);
      }
    }
    Object.assign(schemas, own.components?.schemas);
    Object.assign(merged.components!.securitySchemes!, own.components?.securitySchemes);
    for (const tag of own.tags ?? []) {
      if (!merged.tags!.some((known) => known.name === tag.name)) merged.tags!.push(tag);
    }
  }

  const codes = new Set<ErrorCode>(ANY_ROUTE_CODES);
  for (const operation of operationsOf(merged.paths)) {
    for (const response of Object.values(operation.responses) as ResponseObject[]) {
      response.headers = { ...response.headers, RateLimit: headerRef('RateLimit'), 'RateLimit-Policy': headerRef('RateLimit-Policy') };
    }
    for (const code of problemCodesOf(operation)) codes.add(code);
  }
  merged.info.description = describe(codes, missing);
  return merged;
}

/** Schema names of `document` already taken by a different schema, with the names they get. */
function conflicts(schemas: Record<string, SchemaObject>, document: OpenAPIObject, service: string): Map<string, string> {
  const prefix = service.charAt(0).toUpperCase() + service.slice(1);
  const renames = new Map<string, string>();
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    if (name in schemas && JSON.stringify(schemas[name]) !== JSON.stringify(schema)) renames.set(name, `${prefix}${name}`);
  }
  return renames;
}

function withSchemasRenamed(document: OpenAPIObject, renames: Map<string, string>): OpenAPIObject {
  if (renames.size === 0) return document;
  const path = (name: string) => `#/components/schemas/${name}`;
  const renamed = JSON.parse(JSON.stringify(document), (key, value: unknown) =>
    key === '$ref' && typeof value === 'string' && value.startsWith(path(''))
      ? path(renames.get(value.slice(path('').length)) ?? value.slice(path('').length))
      : value,
  ) as OpenAPIObject;
  const schemas = renamed.components?.schemas ?? {};
  renamed.components = {
    ...renamed.components,
    schemas: Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [renames.get(name) ?? name, schema])),
  };
  return renamed;
}

/**
 * `info.description`: the conventions of API.md a client needs, and the error codes the document
 * uses (so codes services only send each other never show), with their problem type URIs.
 */
function describe(used: ReadonlySet<ErrorCode>, missing: string[]): string {
  const codes = (Object.keys(ERROR_CATALOG) as ErrorCode[])
    .filter((code) => used.has(code))
    .map((code) => `| \`${code}\` | ${ERROR_CATALOG[code].status} | \`${problemType(code)}\` | ${ERROR_CATALOG[code].title} |`);
  return [
    ...(missing.length > 0
      ? [`> **Incomplete:** the routes of ${missing.join(', ')} are missing: they did not answer when this document was made.`, '']
      : []),
    'The public HTTP API of Bankshop, a bank and a shop. Every route is under `/api`, behind the gateway.',
    '',
    '- **JSON** in and out, UTF-8. Unknown request fields are rejected (400).',
    '- **Money** is a decimal string, never a number: `"12.50"`. Requests allow at most 2 fraction digits and must ' +
      'be above zero; responses always have exactly 2. Currencies: `CNY`, `USD`, `EUR`.',
    '- **Ids** are UUIDs. A malformed id in a path is a 400; an unknown id, or someone else\'s, is a 404.',
    '- **Auth**: `Authorization: Bearer <accessToken>` from `POST /api/auth/login`.',
    '- **Idempotency**: routes taking an `Idempotency-Key` header replay the first answer to a retried request ' +
      '(`Idempotent-Replayed: true`), and nothing happens twice.',
    '- **Rate limiting**: a token bucket per user (per IP when anonymous). Every answer carries `RateLimit` and ' +
      '`RateLimit-Policy`; over the limit, 429 with `Retry-After`.',
    '- **Tracing**: a W3C `traceparent` sent by the client is continued; every answer carries `traceparent` and ' +
      '`X-Request-Id`.',
    '- **Errors** are `application/problem+json` (RFC 9457) with a stable `code`:',
    '',
    '| code | status | type | title |',
    '|---|---|---|---|',
    ...codes,
  ].join('\n');
}
