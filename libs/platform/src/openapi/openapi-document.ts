import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  SwaggerModule,
  type HeaderObject,
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type ReferenceObject,
  type RequestBodyObject,
  type ResponseObject,
  type SchemaObject,
} from '@nestjs/swagger';
import { BEARER_AUTH } from './api-decorators.ts';
import { addProblemResponses, PROBLEM_SCHEMAS } from './problem-responses.ts';

export const OPENAPI_VERSION = '3.1.0';

/** The version of the public contract (API.md); it changes only by being extended. */
export const API_VERSION = '0.1.0';

/** Only these paths are the public API; `/internal/*` and the probes never appear. */
export const PUBLIC_PATH_PREFIX = '/api/';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface OpenApiOptions {
  /** `info.title`, e.g. "Bankshop account service". */
  title: string;
  description?: string;
}

/** Response headers the documents refer to (`#/components/headers/...`). */
export const RESPONSE_HEADERS: Record<string, HeaderObject> = {
  'X-Request-Id': {
    description: "Identifies this request in logs; the caller's own `X-Request-Id` when it sent a sane one.",
    schema: { type: 'string' },
  },
  traceparent: {
    description: 'W3C trace context of the server span; a `traceparent` sent by the client is continued.',
    schema: { type: 'string', pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    schema: { type: 'integer', minimum: 0 },
  },
  'Idempotent-Replayed': {
    description: 'Present, `true`, when this is the stored answer to an earlier request with the same `Idempotency-Key`.',
    schema: { type: 'string', enum: ['true'] },
  },
};

/**
 * The OpenAPI 3.1 document of a service's public routes, generated from its controllers and
 * DTOs. Everything outside `/api/` is left out, with any schema only those routes used.
 *
 * Conventions that hold for every route are added here once rather than on each route: the
 * `X-Request-Id` and `traceparent` response headers, `Idempotent-Replayed` on the successes of
 * routes taking an `Idempotency-Key`, 413 on routes with a body, and path parameters being UUIDs
 * (API.md "Ids").
 */
export function createOpenApiDocument(app: INestApplication, options: OpenApiOptions): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion(OPENAPI_VERSION)
    .setTitle(options.title)
    .setDescription(options.description ?? '')
    .setVersion(API_VERSION)
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'The `accessToken` of `POST /api/auth/login` (RS256, short-lived).',
      },
      BEARER_AUTH,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    // `accountsOpen`, `adminAccountsFreeze`: unique across services, and good method names for
    // generated clients.
    operationIdFactory: (controller, method) =>
      lowerFirst(controller.replace(/Controller$/, '')) + method.charAt(0).toUpperCase() + method.slice(1),
  });
  return finishDocument(document);
}

function finishDocument(document: OpenAPIObject): OpenAPIObject {
  const paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => path.startsWith(PUBLIC_PATH_PREFIX)));
  for (const operation of operationsOf(paths)) {
    const parameters = withoutDuplicateHeaders((operation.parameters ?? []) as ParameterObject[]);
    if (operation.parameters) operation.parameters = parameters;
    for (const parameter of parameters) {
      if (parameter.in === 'path' && parameter.schema && !('$ref' in parameter.schema) && !parameter.schema.format) {
        parameter.schema.format = 'uuid';
      }
    }
    // Bodies above the limit are refused before any handler runs (`configureApp`).
    if (operation.requestBody) addProblemResponses(operation, ['PAYLOAD_TOO_LARGE']);
    const idempotent = parameters.some((parameter) => parameter.in === 'header' && parameter.name === 'Idempotency-Key');
    for (const [status, response] of Object.entries(operation.responses) as [string, ResponseObject][]) {
      response.headers = {
        ...response.headers,
        ...(idempotent && status.startsWith('2') ? { 'Idempotent-Replayed': headerRef('Idempotent-Replayed') } : {}),
        'X-Request-Id': headerRef('X-Request-Id'),
        traceparent: headerRef('traceparent'),
      };
    }
  }
  const components = document.components ?? {};
  closeRequestSchemas(paths, components.schemas ?? {});
  const finished: OpenAPIObject = {
    ...document,
    paths,
    components: {
      ...components,
      schemas: { ...components.schemas, ...PROBLEM_SCHEMAS },
      headers: { ...components.headers, ...RESPONSE_HEADERS },
    },
  };
  return withoutUnusedSchemas(finished);
}

/**
 * `StrictValidationPipe` refuses a field a DTO does not declare, at any depth: the document says
 * so (`additionalProperties: false`) on every object schema a request body reaches, so that
 * generated clients and fuzzers (schemathesis) know an extra field is an error, not ignored.
 */
function closeRequestSchemas(paths: OpenAPIObject['paths'], schemas: Record<string, SchemaObject | ReferenceObject>): void {
  const closed = new Set<object>();
  const close = (schema: SchemaObject | ReferenceObject | undefined): void => {
    if (!schema) return;
    if ('$ref' in schema) return close(schemas[schema.$ref.replace('#/components/schemas/', '')]);
    if (closed.has(schema)) return;
    closed.add(schema);
    if (schema.type === 'object' || schema.properties) schema.additionalProperties = false;
    for (const property of Object.values(schema.properties ?? {})) close(property);
    if (schema.items) close(schema.items);
    for (const member of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) close(member);
  };
  for (const operation of operationsOf(paths)) {
    const body = operation.requestBody as RequestBodyObject | undefined;
    for (const media of Object.values(body?.content ?? {})) close(media.schema);
  }
}

/**
 * Header names are case-insensitive: the header a handler reads (`@Headers('idempotency-key')`)
 * and the one a decorator documents (`Idempotency-Key`) are one parameter. The documented one,
 * with its description, is kept.
 */
function withoutDuplicateHeaders(parameters: ParameterObject[]): ParameterObject[] {
  const isHeader = (parameter: ParameterObject, name: string) =>
    parameter.in === 'header' && parameter.name.toLowerCase() === name.toLowerCase();
  return parameters.filter(
    (parameter) =>
      parameter.in !== 'header' ||
      parameter.description !== undefined ||
      !parameters.some((other) => other !== parameter && isHeader(other, parameter.name) && other.description !== undefined),
  );
}

/** Every operation of `paths`, in document order. */
export function operationsOf(paths: OpenAPIObject['paths']): OperationObject[] {
  return Object.values(paths).flatMap((item) =>
    HTTP_METHODS.flatMap((method) => (item[method] ? [item[method] as OperationObject] : [])),
  );
}

export function headerRef(name: string): ReferenceObject {
  return { $ref: `#/components/headers/${name}` };
}

/**
 * Drops the schemas no remaining route refers to, directly or through another schema: the models
 * of internal routes are scanned with everything else, and must not appear in a public document.
 */
function withoutUnusedSchemas(document: OpenAPIObject): OpenAPIObject {
  const schemas = document.components?.schemas ?? {};
  const used = new Set<string>();
  const pending = [...referencedSchemas({ ...document, components: { ...document.components, schemas: {} } })];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (used.has(name) || !(name in schemas)) continue;
    used.add(name);
    pending.push(...referencedSchemas(schemas[name]));
  }
  return {
    ...document,
    components: { ...document.components, schemas: Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name))) },
  };
}

/** Names of the component schemas `node` refers to. */
function referencedSchemas(node: unknown): Set<string> {
  const names = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === '$ref' && typeof child === 'string' && child.startsWith('#/components/schemas/')) {
          names.add(child.slice('#/components/schemas/'.length));
        } else visit(child);
      }
    }
  };
  visit(node);
  return names;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
