import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors as undiciErrors, type Dispatcher } from 'undici';
import { NotFoundError, serviceForPath, UpstreamTimeoutError, UpstreamUnavailableError } from '@bankshop/contracts';
import { BODY_LIMIT_BYTES } from '@bankshop/platform';
import { sendProblem } from '../edge/problems.ts';
import { FailingAnswer, type UpstreamName, type Upstreams } from './upstreams.ts';

/** RFC 9110 §7.6.1: headers about one connection, never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/**
 * Trace context arrives and leaves through OpenTelemetry: the incoming one became the gateway's
 * server span, and the HTTP client instrumentation writes a new one (a child of it) on the way
 * out. Forwarding the client's copies as well would send two of each.
 */
const REPLACED_ON_THE_WAY = new Set(['traceparent', 'tracestate', 'baggage']);

/** Of an upstream's answer: the gateway's own request id and trace header win. */
const NOT_PASSED_BACK = new Set([...HOP_BY_HOP, 'traceparent', 'x-request-id', 'date']);

/**
 * Idempotent methods are tried up to three times, at once, when the connection was reset before
 * any answer (a kept-alive connection the service had closed, or a worker that died mid-request). A refused connection is not retried: the
 * service is down, and the fastest useful answer is 503 (the breaker will open shortly).
 */
const RETRIED = new Set(['GET', 'HEAD']);

/** Answers up to this size are read whole before they are passed on (one write instead of a stream). */
const BUFFERED_ANSWER_BYTES = 64 * 1024;
const ATTEMPTS = 3;

/**
 * The reverse proxy: every `/api/*` route that the gateway does not answer itself goes to the
 * service that owns it (the route table in the contracts lib). Bodies pass through untouched
 * (up to the same 100 kB limit), and so do status codes and problem documents; `/internal/*` is
 * not in the table and so never reachable from outside.
 */
export function proxyPlugin(upstreams: Upstreams, breakerResetMs: number) {
  return async (instance: FastifyInstance): Promise<void> => {
    // This plugin's own parsers: bodies are forwarded as the bytes that came in.
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (_request, body, done) =>
      done(null, body),
    );
    instance.setErrorHandler((error, request, reply) => sendProblem(request, reply, error));

    instance.all('/api/*', async (request, reply) => {
      const service = serviceForPath(request.url.split('?')[0] ?? '/');
      if (!service || service === 'gateway') {
        return sendProblem(request, reply, new NotFoundError(`No route for ${request.method} ${request.url.split('?')[0]}.`));
      }
      let response: Dispatcher.ResponseData;
      try {
        response = await send(upstreams, service, request);
      } catch (error) {
        if (error instanceof FailingAnswer) response = error.response;
        else return sendProblem(request, reply, asUpstreamError(service, error, breakerResetMs));
      }
      reply.code(response.statusCode);
      const connectionScoped = namedInConnection(response.headers.connection);
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined && !NOT_PASSED_BACK.has(name) && !connectionScoped.has(name)) reply.header(name, value);
      }
      // A small answer (nearly all of them) is read whole and sent in one write with its headers;
      // a large one, or one of unknown size, is streamed through as it arrives.
      const length = Number(response.headers['content-length']);
      return reply.send(length <= BUFFERED_ANSWER_BYTES ? Buffer.from(await response.body.arrayBuffer()) : response.body);
    });
  };
}

async function send(upstreams: Upstreams, service: UpstreamName, request: FastifyRequest): Promise<Dispatcher.ResponseData> {
  const options: Dispatcher.RequestOptions = {
    method: request.method as Dispatcher.HttpMethod,
    path: request.url,
    headers: forwardedHeaders(request),
    body: Buffer.isBuffer(request.body) && request.body.length > 0 ? request.body : undefined,
  };
  const attempts = RETRIED.has(request.method) ? ATTEMPTS : 1;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await upstreams.request(service, options);
    } catch (error) {
      if (attempt >= attempts || !isStaleConnection(error)) throw error;
    }
  }
}

function forwardedHeaders(request: FastifyRequest): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  const connectionScoped = namedInConnection(request.headers.connection);
  for (const [name, value] of Object.entries(request.headers)) {
    if (!HOP_BY_HOP.has(name) && !REPLACED_ON_THE_WAY.has(name) && !connectionScoped.has(name)) headers[name] = value;
  }
  headers['x-forwarded-for'] = request.ip;
  headers['x-forwarded-proto'] = request.protocol;
  headers['x-forwarded-host'] = request.headers.host;
  return headers;
}

const NONE: ReadonlySet<string> = new Set();

/** The headers a `Connection` header names: scoped to that one connection, in either direction. */
function namedInConnection(connection: string | string[] | undefined): ReadonlySet<string> {
  // The usual values name no other header ("keep-alive" is hop-by-hop in any case).
  if (connection === undefined || connection === 'keep-alive' || connection === 'close') return NONE;
  return new Set(
    [connection ?? '']
      .flat()
      .join(',')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== ''),
  );
}

/** What happened to a request that got no usable answer, as the client is told. */
function asUpstreamError(service: string, error: unknown, breakerResetMs: number): Error {
  if ((error as { code?: string }).code === 'EOPENBREAKER') {
    return new UpstreamUnavailableError(service, Math.ceil(breakerResetMs / 1000));
  }
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
    return new UpstreamTimeoutError(service);
  }
  return new UpstreamUnavailableError(service);
}

/** The connection broke before an answer: for an idempotent request, trying again is safe. */
function isStaleConnection(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ECONNRESET' || code === 'UND_ERR_SOCKET';
}
