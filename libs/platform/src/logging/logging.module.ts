import type { IncomingMessage } from 'node:http';
import { Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { Options } from 'pino-http';
import { loggerOptions } from '@bankshop/telemetry';
import { ServiceConfig } from '../config/service-config.ts';
import { REQUEST_ID_HEADER } from '../http/request-id.middleware.ts';

const QUIET_PATHS = /^\/(health\/(live|ready)|api\/health)(\?|$)/;

/** How requests are logged (pino-http): one line per request except probes, with its id. */
export function requestLogOptions(level: string): Options {
  return {
    ...loggerOptions(level),
    genReqId: (request: IncomingMessage) => String(request.headers[REQUEST_ID_HEADER] ?? ''),
    autoLogging: { ignore: (request: IncomingMessage) => QUIET_PATHS.test(request.url ?? '') },
    serializers: {
      req: (request: { id: string; method: string; url: string }) => ({
        id: request.id,
        method: request.method,
        url: request.url,
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
  };
}

/**
 * Structured JSON logs through pino: one line per request (except probes) with its id, and every
 * line inside a span carrying `trace_id` and `span_id` (added by the pino instrumentation).
 *
 * On Express the request log is Nest middleware. On Fastify (the gateway) Nest middleware runs
 * through a second router (middie) in front of Fastify's own, about a tenth of the gateway's CPU
 * for its three middlewares; there the request log is a Fastify hook instead (`configureApp`).
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [ServiceConfig, HttpAdapterHost],
      useFactory: (config: ServiceConfig, host: HttpAdapterHost) => ({
        pinoHttp: requestLogOptions(config.LOG_LEVEL),
        ...(host.httpAdapter?.getType() === 'fastify' ? { forRoutes: [] } : {}),
      }),
    }),
  ],
})
export class LoggingModule {}
