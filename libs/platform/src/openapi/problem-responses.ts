import { METHOD_METADATA } from '@nestjs/common/constants.js';
import { DECORATORS, type OperationObject, type ResponseObject, type SchemaObject } from '@nestjs/swagger';
import type { ErrorCode } from '@bankshop/contracts';
import { ERROR_CATALOG, problemType } from '../errors/error-catalog.ts';

/** The codes a handler documents so far; every `@ApiProblems` adds to them. */
const PROBLEM_CODES = 'bankshop:openapi:problem-codes';

/** A trace id of the W3C format, for examples only. */
const EXAMPLE_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/**
 * `Problem` and `FieldError` of the OpenAPI documents: the body of every error (API.md
 * "Conventions"), as `ProblemDetailsFilter` writes it.
 */
export const PROBLEM_SCHEMAS: Record<'Problem' | 'FieldError', SchemaObject> = {
  Problem: {
    type: 'object',
    description:
      'An RFC 9457 problem document. `code` is the stable, machine-readable reason; the other members may be ' +
      'reworded. Some problems carry extension members, such as `transferId` when a transfer record was written.',
    required: ['type', 'title', 'status', 'detail', 'code'],
    properties: {
      type: { type: 'string', format: 'uri-reference', description: 'Identifies the code: `urn:bankshop:problem:<code>`.' },
      title: { type: 'string', description: 'A short summary of the code.' },
      status: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status of the answer.' },
      detail: { type: 'string', description: 'This occurrence, for people. A 5xx never carries internals.' },
      code: {
        type: 'string',
        pattern: '^[A-Z]+(_[A-Z]+)*$',
        // Not an enum: a new code is an extension of the contract, which a closed list would break.
        description: 'The stable error code (API.md). Clients must tolerate codes added later.',
        examples: ['INSUFFICIENT_FUNDS'],
      },
      traceId: {
        type: 'string',
        pattern: '^[0-9a-f]{32}$',
        description: 'The trace of this request in the tracing backend; quote it when reporting a problem.',
      },
      errors: {
        type: 'array',
        description: 'Which fields were invalid and why (`VALIDATION_FAILED` only).',
        items: { $ref: '#/components/schemas/FieldError' },
      },
    },
    additionalProperties: true,
  },
  FieldError: {
    type: 'object',
    required: ['field', 'message'],
    properties: {
      field: { type: 'string', description: 'The body field, query parameter, path parameter or header.', examples: ['amount'] },
      message: { type: 'string', examples: ['must be a decimal string with at most 2 fraction digits, like "12.50"'] },
    },
  },
};

/**
 * A realistic `detail` (and extension members) for the examples of some codes; the others use
 * their catalogue title.
 */
const EXAMPLES: Partial<Record<ErrorCode, { detail: string } & Record<string, unknown>>> = {
  VALIDATION_FAILED: {
    detail: 'The request is invalid.',
    errors: [{ field: 'amount', message: 'must be a decimal string with at most 2 fraction digits, like "12.50"' }],
  },
  IDEMPOTENCY_KEY_REQUIRED: {
    detail: 'This request changes state: send an Idempotency-Key header so that it can be retried safely.',
  },
  IDEMPOTENCY_KEY_REUSED: { detail: 'This Idempotency-Key was already used with a different request.' },
  IDEMPOTENCY_IN_PROGRESS: { detail: 'A request with this Idempotency-Key is still being processed. Retry shortly.' },
  UNAUTHENTICATED: { detail: 'A valid bearer token is required.' },
  FORBIDDEN: { detail: 'You are not allowed to do this.' },
  INVALID_CREDENTIALS: { detail: 'The email or password is not correct.' },
  EMAIL_TAKEN: { detail: 'An account with this email already exists.' },
  ACCOUNT_NOT_FOUND: { detail: 'No such account.' },
  TRANSFER_NOT_FOUND: { detail: 'No such transfer.' },
  ACCOUNT_FROZEN: { detail: 'The account is frozen; no money can move in or out of it.' },
  INSUFFICIENT_FUNDS: { detail: 'The available balance is too low for this amount.' },
  SAME_ACCOUNT: { detail: 'The source and destination accounts must differ.' },
  CURRENCY_MISMATCH: { detail: 'Both accounts must hold the same currency.' },
  RISK_REJECTED: {
    detail: 'The transfer was rejected by risk checks.',
    transferId: '0b6f4d3e-2a51-4c6e-9a59-3f1d7f0c2b88',
    reasons: ['MAX_AMOUNT'],
  },
  RATE_LIMITED: { detail: 'Too many requests. Retry in 1 s.' },
  UPSTREAM_UNAVAILABLE: { detail: 'The account service is unavailable. Try again shortly.' },
  UPSTREAM_TIMEOUT: { detail: 'The account service did not answer in time.' },
};

/** The problem document a client receives for `code`, as an example. */
export function problemExample(code: ErrorCode): Record<string, unknown> {
  const { status, title } = ERROR_CATALOG[code];
  const { detail, ...extensions } = EXAMPLES[code] ?? { detail: `${title}.` };
  return { type: problemType(code), title, status, detail, code, traceId: EXAMPLE_TRACE_ID, ...extensions };
}

/** One OpenAPI response per status: every code answered with that status is an example of it. */
export function problemResponses(codes: readonly ErrorCode[]): Record<number, ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const { status } = ERROR_CATALOG[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, ResponseObject> = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[status] = {
      description: group.map((code) => `\`${code}\`: ${ERROR_CATALOG[code].title}.`).join('\n\n'),
      // A client told to come back later is told when (RFC 9110 §10.2.3).
      ...(status === 429 || status === 503 ? { headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After' } } } : {}),
      content: {
        [PROBLEM_MEDIA_TYPE]: {
          schema: { $ref: '#/components/schemas/Problem' },
          examples: Object.fromEntries(
            group.map((code) => [code, { summary: ERROR_CATALOG[code].title, value: problemExample(code) }]),
          ),
        },
      },
    };
  }
  return responses;
}

/**
 * Adds codes to the responses of an operation in a finished document: a code whose status is
 * documented already joins the examples of that response. For answers no handler declares, such
 * as those of the HTTP layer or the gateway's edge.
 */
export function addProblemResponses(operation: OperationObject, codes: readonly ErrorCode[]): void {
  const responses = operation.responses as Record<string, ResponseObject>;
  for (const code of codes) {
    const [status, added] = Object.entries(problemResponses([code]))[0]!;
    const existing = responses[status];
    const content = existing?.content?.[PROBLEM_MEDIA_TYPE];
    if (!existing || !content) {
      responses[status] = added;
    } else if (!content.examples?.[code]) {
      content.examples = { ...content.examples, ...added.content![PROBLEM_MEDIA_TYPE]!.examples };
      responses[status] = {
        ...existing,
        description: `${existing.description}\n\n${added.description}`,
        headers: { ...added.headers, ...existing.headers },
      };
    }
  }
  operation.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}

/** The codes an operation documents, as examples of its problem responses. */
export function problemCodesOf(operation: OperationObject): ErrorCode[] {
  return Object.values(operation.responses as Record<string, ResponseObject>).flatMap(
    (response) => Object.keys(response.content?.[PROBLEM_MEDIA_TYPE]?.examples ?? {}) as ErrorCode[],
  );
}

/**
 * Documents the errors a route answers with: each code becomes an `application/problem+json`
 * response with the status `ERROR_CATALOG` gives it, the shared `Problem` schema and an example.
 *
 * Codes accumulate: several `@ApiProblems` on one route (directly, or through `@Idempotent()`,
 * `@ApiAuth()`, ...) are merged, and codes sharing a status become examples of one response. On
 * a controller, the codes apply to each of its routes.
 */
export function ApiProblems(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  return ((target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor) {
      documentProblems(descriptor.value as object, codes);
      return descriptor;
    }
    // Class decorators run after the decorators of the methods, so every route is marked by now.
    const prototype = (target as { prototype: Record<string, unknown> }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = Object.getOwnPropertyDescriptor(prototype, name)?.value as unknown;
      if (name !== 'constructor' && typeof handler === 'function' && Reflect.hasMetadata(METHOD_METADATA, handler)) {
        documentProblems(handler, codes);
      }
    }
    return target;
  }) as MethodDecorator & ClassDecorator;
}

/** The codes documented on a route handler so far. */
export function documentedProblems(handler: object): readonly ErrorCode[] {
  return (Reflect.getMetadata(PROBLEM_CODES, handler) as ErrorCode[] | undefined) ?? [];
}

function documentProblems(handler: object, codes: readonly ErrorCode[]): void {
  const all = [...new Set([...documentedProblems(handler), ...codes])];
  Reflect.defineMetadata(PROBLEM_CODES, all, handler);
  // Written directly rather than through `@ApiResponse`, which would merge the descriptions of
  // a status each time a code is added instead of replacing them with the complete list.
  const responses = (Reflect.getMetadata(DECORATORS.API_RESPONSE, handler) as Record<string, unknown> | undefined) ?? {};
  Reflect.defineMetadata(DECORATORS.API_RESPONSE, { ...responses, ...problemResponses(all) }, handler);
}
